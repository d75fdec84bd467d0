package frameout

import "testing"

// ValidateForTest checks x against docs/frame.schema.json.
func ValidateForTest(t *testing.T, x any) []string {
	v := loadSchema(t)
	return v.validate(v.root, x, "$")
}
