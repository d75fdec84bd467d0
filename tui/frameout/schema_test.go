package frameout

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// validator checks a JSON value against the subset of JSON Schema that
// docs/frame.schema.json uses: type, enum, const, required, properties,
// additionalProperties (false), items and local $ref. Any other keyword
// in the schema fails the test, so the subset cannot drift silently.
type validator struct {
	root map[string]any
}

var known = map[string]bool{"$schema": true, "$id": true, "title": true, "description": true, "format": true,
	"$defs": true, "type": true, "enum": true, "const": true, "required": true, "properties": true,
	"additionalProperties": true, "items": true, "$ref": true}

func loadSchema(t *testing.T) *validator {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "frame.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	var root map[string]any
	if err := json.Unmarshal(b, &root); err != nil {
		t.Fatalf("schema: %v", err)
	}
	return &validator{root: root}
}

func (v *validator) validate(s map[string]any, x any, path string) []string {
	var errs []string
	fail := func(f string, a ...any) { errs = append(errs, path+": "+fmt.Sprintf(f, a...)) }
	for k := range s {
		if !known[k] {
			fail("schema keyword %q is outside the subset the test validates", k)
		}
	}
	if ref, ok := s["$ref"].(string); ok {
		target, ok := v.root["$defs"].(map[string]any)[strings.TrimPrefix(ref, "#/$defs/")].(map[string]any)
		if !ok {
			fail("unresolved $ref %s", ref)
			return errs
		}
		errs = append(errs, v.validate(target, x, path)...)
	}
	if t, ok := s["type"]; ok {
		var types []string
		switch t := t.(type) {
		case string:
			types = []string{t}
		case []any:
			for _, e := range t {
				types = append(types, e.(string))
			}
		}
		okType := false
		for _, ty := range types {
			okType = okType || isType(x, ty)
		}
		if !okType {
			fail("%v is not %v", x, types)
			return errs
		}
	}
	if e, ok := s["enum"].([]any); ok {
		found := false
		for _, c := range e {
			found = found || reflect.DeepEqual(c, x)
		}
		if !found {
			fail("%v not in %v", x, e)
		}
	}
	if c, ok := s["const"]; ok && !reflect.DeepEqual(c, x) {
		fail("%v is not %v", x, c)
	}
	if obj, ok := x.(map[string]any); ok {
		props, _ := s["properties"].(map[string]any)
		for _, r := range asStrings(s["required"]) {
			if _, ok := obj[r]; !ok {
				fail("missing %q", r)
			}
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			ps, ok := props[k].(map[string]any)
			if !ok {
				if s["additionalProperties"] == false {
					fail("unexpected property %q", k)
				}
				continue
			}
			errs = append(errs, v.validate(ps, obj[k], path+"."+k)...)
		}
	}
	if arr, ok := x.([]any); ok {
		if is, ok := s["items"].(map[string]any); ok {
			for i, e := range arr {
				errs = append(errs, v.validate(is, e, fmt.Sprintf("%s[%d]", path, i))...)
			}
		}
	}
	return errs
}

func isType(x any, ty string) bool {
	switch ty {
	case "null":
		return x == nil
	case "object":
		_, ok := x.(map[string]any)
		return ok
	case "array":
		_, ok := x.([]any)
		return ok
	case "string":
		_, ok := x.(string)
		return ok
	case "boolean":
		_, ok := x.(bool)
		return ok
	case "number":
		_, ok := x.(float64)
		return ok
	case "integer":
		f, ok := x.(float64)
		return ok && f == math.Trunc(f)
	}
	return false
}

func asStrings(x any) []string {
	var out []string
	if a, ok := x.([]any); ok {
		for _, e := range a {
			out = append(out, e.(string))
		}
	}
	return out
}

// TestValidatorCatches: the validator is not a yes-machine.
func TestValidatorCatches(t *testing.T) {
	v := loadSchema(t)
	bad := []string{
		`{}`,
		`{"$schema":"x","schema_version":2,"time":"t","title":"","mode":"replay","provenance":"","session":null,"health":{"state":"ok","skipped":0},"symbols":[],"basket":{"value_change":0,"value":0,"companies":0,"approximate":false,"missing":[]},"events":[],"future_events":0,"spoilers":false}`,
		`{"$schema":"x","schema_version":1,"time":"t","title":"","mode":"replay","provenance":"","session":null,"health":{"state":"ok","skipped":0},"symbols":[{"symbol":"X"}],"basket":{"value_change":0,"value":0,"companies":0,"approximate":false,"missing":[]},"events":[],"future_events":0,"spoilers":false}`,
		`{"$schema":"x","schema_version":1,"time":"t","title":"","mode":"replay","provenance":"","session":null,"health":{"state":"ok","skipped":0.5},"symbols":[],"basket":{"value_change":0,"value":0,"companies":0,"approximate":false,"missing":[]},"events":[],"future_events":0,"spoilers":false,"extra":1}`,
	}
	for _, b := range bad {
		var x any
		if err := json.Unmarshal([]byte(b), &x); err != nil {
			t.Fatal(err)
		}
		if errs := v.validate(v.root, x, "$"); len(errs) == 0 {
			t.Errorf("accepted %s", b)
		}
	}
}
