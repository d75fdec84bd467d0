package deepseek

import "github.com/selloff/selloff/snapshots"

// The figures below are transcribed from the project's fact sheets
// (selloff-daily-ohlcv.md, selloff-intraday-checkpoints.md and
// selloff-facts.md sections 1, 3, 5 and 6). Prices are in cents (indices
// too: 19341.83 is 1934183) so that anchors are exact; volumes are shares.

const (
	basisPrinted  = snapshots.BasisPrinted
	basisAdjusted = snapshots.BasisAdjusted
)

// dailyRow is one line of the daily table. Basis is the table's column;
// the header's price basis comes from symbolInfo (SMCI's adjusted values
// equal its printed prices: it pays no dividend).
type dailyRow struct {
	sym, date  string
	o, h, l, c int64
	vol        int64 // 0 where the table has none (^SOX)
	basis      string
}

// checkpointRow holds, for one bar start time (ET), the close of the
// 5-minute bar that starts then, one value per series of its table.
type checkpointRow struct {
	et     string
	closes []int64
}

// extremeRow is a series' first-bar open and the session high and low with
// the 5-minute bar (start, ET) they fell in.
type extremeRow struct {
	series  string
	open    int64
	high    int64
	highBar string
	low     int64
	lowBar  string
}

type checkpointTable struct {
	day      string
	series   []string
	closes   []checkpointRow
	extremes []extremeRow
}

var dailyRows = []dailyRow{
	{"NVDA", "2025-01-17", 13669, 13850, 13546, 13771, 201188800, basisPrinted},
	{"NVDA", "2025-01-21", 13916, 14183, 13709, 14083, 197749000, basisPrinted},
	{"NVDA", "2025-01-22", 14466, 14779, 14367, 14707, 237651400, basisPrinted},
	{"NVDA", "2025-01-23", 14505, 14723, 14372, 14722, 155915500, basisPrinted},
	{"NVDA", "2025-01-24", 14837, 14897, 14188, 14262, 234657600, basisPrinted},
	{"NVDA", "2025-01-27", 12480, 12840, 11670, 11842, 818830900, basisPrinted},
	{"NVDA", "2025-01-28", 12181, 12900, 11625, 12899, 579666400, basisPrinted},
	{"NVDA", "2025-01-29", 12650, 12689, 12005, 12370, 467120600, basisPrinted},
	{"NVDA", "2025-01-30", 12310, 12500, 11810, 12465, 392925500, basisPrinted},
	{"NVDA", "2025-01-31", 12378, 12785, 11919, 12007, 388161100, basisPrinted},
	{"AVGO", "2025-01-17", 23708, 23810, 23266, 23744, 31196600, basisPrinted},
	{"AVGO", "2025-01-21", 24150, 24275, 23740, 24031, 30903200, basisPrinted},
	{"AVGO", "2025-01-22", 24675, 24699, 24069, 24091, 29610500, basisPrinted},
	{"AVGO", "2025-01-23", 23841, 24040, 23612, 24028, 17653900, basisPrinted},
	{"AVGO", "2025-01-24", 24470, 24959, 24191, 24470, 25387800, basisPrinted},
	{"AVGO", "2025-01-27", 21340, 21843, 19623, 20213, 90569400, basisPrinted},
	{"AVGO", "2025-01-28", 20801, 20995, 19889, 20736, 50316000, basisPrinted},
	{"AVGO", "2025-01-29", 20884, 21145, 20277, 20635, 32533700, basisPrinted},
	{"AVGO", "2025-01-30", 21857, 22196, 21370, 21566, 42449500, basisPrinted},
	{"AVGO", "2025-01-31", 21966, 22680, 21630, 22127, 41104700, basisPrinted},
	{"TSM", "2025-01-17", 21517, 21568, 21106, 21150, 21606100, basisPrinted},
	{"TSM", "2025-01-21", 21446, 22015, 21205, 21870, 19061300, basisPrinted},
	{"TSM", "2025-01-22", 22195, 22543, 21931, 22320, 17294500, basisPrinted},
	{"TSM", "2025-01-23", 22010, 22470, 21941, 22462, 8986800, basisPrinted},
	{"TSM", "2025-01-24", 22622, 22640, 22096, 22188, 13183800, basisPrinted},
	{"TSM", "2025-01-27", 19704, 20700, 18767, 19231, 68667500, basisPrinted},
	{"TSM", "2025-01-28", 19565, 20284, 19246, 20240, 31738800, basisPrinted},
	{"TSM", "2025-01-29", 20449, 20645, 19975, 20233, 15199500, basisPrinted},
	{"TSM", "2025-01-30", 20657, 20962, 20542, 20815, 13539000, basisPrinted},
	{"TSM", "2025-01-31", 20993, 21500, 20820, 20932, 15746900, basisPrinted},
	{"ASML", "2025-01-17", 76791, 76920, 75150, 75633, 1933600, basisPrinted},
	{"ASML", "2025-01-21", 76300, 76773, 75549, 76300, 1332000, basisPrinted},
	{"ASML", "2025-01-22", 77775, 78482, 76589, 76671, 1699900, basisPrinted},
	{"ASML", "2025-01-23", 74001, 74775, 73600, 74624, 1751100, basisPrinted},
	{"ASML", "2025-01-24", 74936, 75000, 72930, 73225, 1505700, basisPrinted},
	{"ASML", "2025-01-27", 67279, 69060, 67194, 69015, 4947800, basisPrinted},
	{"ASML", "2025-01-28", 67880, 69345, 66660, 68335, 2811900, basisPrinted},
	{"ASML", "2025-01-29", 72716, 72846, 70460, 71265, 4971500, basisPrinted},
	{"ASML", "2025-01-30", 74010, 74559, 73058, 73699, 2745600, basisPrinted},
	{"ASML", "2025-01-31", 74809, 75460, 73777, 73931, 2125700, basisPrinted},
	{"AMD", "2025-01-17", 12078, 12274, 12055, 12146, 35765900, basisPrinted},
	{"AMD", "2025-01-21", 12239, 12375, 12112, 12228, 31578800, basisPrinted},
	{"AMD", "2025-01-22", 12308, 12565, 12191, 12375, 35023800, basisPrinted},
	{"AMD", "2025-01-23", 12143, 12371, 12063, 12304, 24921100, basisPrinted},
	{"AMD", "2025-01-24", 12455, 12525, 12223, 12284, 31570300, basisPrinted},
	{"AMD", "2025-01-27", 11780, 11808, 11280, 11501, 61067900, basisPrinted},
	{"AMD", "2025-01-28", 11518, 11615, 11295, 11417, 40554800, basisPrinted},
	{"AMD", "2025-01-29", 11577, 11852, 11496, 11735, 40199100, basisPrinted},
	{"AMD", "2025-01-30", 11853, 12044, 11709, 11886, 29788400, basisPrinted},
	{"AMD", "2025-01-31", 11914, 11957, 11533, 11595, 40463400, basisPrinted},
	{"ARM", "2025-01-17", 14920, 15160, 14777, 14926, 4217300, basisPrinted},
	{"ARM", "2025-01-21", 14985, 15697, 14701, 15520, 6807500, basisPrinted},
	{"ARM", "2025-01-22", 16037, 18288, 15995, 17993, 27244400, basisPrinted},
	{"ARM", "2025-01-23", 17039, 17039, 16250, 16656, 16494400, basisPrinted},
	{"ARM", "2025-01-24", 16650, 16873, 16245, 16252, 6532400, basisPrinted},
	{"ARM", "2025-01-27", 14890, 15227, 14232, 14596, 11715400, basisPrinted},
	{"ARM", "2025-01-28", 14800, 15050, 14596, 14947, 5572300, basisPrinted},
	{"ARM", "2025-01-29", 15066, 15175, 14521, 14760, 2814300, basisPrinted},
	{"ARM", "2025-01-30", 15030, 15488, 14950, 15323, 4531900, basisPrinted},
	{"ARM", "2025-01-31", 15400, 16296, 15355, 15955, 8002600, basisPrinted},
	{"MRVL", "2025-01-17", 11992, 12537, 11940, 12476, 14869600, basisPrinted},
	{"MRVL", "2025-01-21", 12585, 12611, 12210, 12378, 12770700, basisPrinted},
	{"MRVL", "2025-01-22", 12480, 12645, 12424, 12521, 10126700, basisPrinted},
	{"MRVL", "2025-01-23", 12336, 12748, 12173, 12606, 9530800, basisPrinted},
	{"MRVL", "2025-01-24", 12668, 12720, 12367, 12402, 9605600, basisPrinted},
	{"MRVL", "2025-01-27", 10803, 10815, 9952, 10033, 38462500, basisPrinted},
	{"MRVL", "2025-01-28", 10330, 10505, 10005, 10388, 20322300, basisPrinted},
	{"MRVL", "2025-01-29", 10461, 10726, 10311, 10679, 16052900, basisPrinted},
	{"MRVL", "2025-01-30", 11137, 11200, 10904, 11033, 14568200, basisPrinted},
	{"MRVL", "2025-01-31", 11245, 11579, 11120, 11286, 15197400, basisPrinted},
	{"MU", "2025-01-17", 10464, 10588, 10250, 10575, 18908900, basisPrinted},
	{"MU", "2025-01-21", 10543, 11024, 10523, 10938, 23533600, basisPrinted},
	{"MU", "2025-01-22", 10917, 11067, 10776, 10923, 20004300, basisPrinted},
	{"MU", "2025-01-23", 10479, 10618, 10335, 10484, 22677600, basisPrinted},
	{"MU", "2025-01-24", 10550, 10572, 10272, 10319, 19743800, basisPrinted},
	{"MU", "2025-01-27", 9486, 9610, 8836, 9111, 50696200, basisPrinted},
	{"MU", "2025-01-28", 9261, 9345, 8804, 8825, 34793600, basisPrinted},
	{"MU", "2025-01-29", 8988, 9045, 8776, 8901, 25342800, basisPrinted},
	{"MU", "2025-01-30", 9066, 9316, 9030, 9250, 22497100, basisPrinted},
	{"MU", "2025-01-31", 9165, 9427, 9114, 9124, 20492100, basisPrinted},
	{"SMCI", "2025-01-17", 3175, 3183, 3076, 3082, 24396500, basisAdjusted},
	{"SMCI", "2025-01-21", 3138, 3349, 3111, 3245, 40097600, basisAdjusted},
	{"SMCI", "2025-01-22", 3398, 3498, 3270, 3386, 46466200, basisAdjusted},
	{"SMCI", "2025-01-23", 3325, 3385, 3279, 3341, 21534400, basisAdjusted},
	{"SMCI", "2025-01-24", 3400, 3470, 3306, 3327, 31728400, basisAdjusted},
	{"SMCI", "2025-01-27", 3031, 3195, 2842, 2907, 59858800, basisAdjusted},
	{"SMCI", "2025-01-28", 2944, 2970, 2722, 2818, 35715300, basisAdjusted},
	{"SMCI", "2025-01-29", 2832, 2851, 2761, 2780, 25802700, basisAdjusted},
	{"SMCI", "2025-01-30", 2858, 2881, 2781, 2864, 22577100, basisAdjusted},
	{"SMCI", "2025-01-31", 2870, 3076, 2834, 2852, 37988200, basisAdjusted},
	{"ORCL", "2025-01-17", 16015, 16152, 15893, 15941, 11618300, basisAdjusted},
	{"ORCL", "2025-01-21", 16223, 17163, 16112, 17084, 30232000, basisAdjusted},
	{"ORCL", "2025-01-22", 18959, 19006, 17876, 18237, 48028500, basisAdjusted},
	{"ORCL", "2025-01-23", 17982, 18470, 17968, 18460, 17314600, basisAdjusted},
	{"ORCL", "2025-01-24", 18675, 18720, 18005, 18176, 12147200, basisAdjusted},
	{"ORCL", "2025-01-27", 16721, 17079, 15113, 15669, 42201600, basisAdjusted},
	{"ORCL", "2025-01-28", 16135, 16417, 15518, 16235, 20319300, basisAdjusted},
	{"ORCL", "2025-01-29", 16238, 16238, 15840, 16039, 9866600, basisAdjusted},
	{"ORCL", "2025-01-30", 16313, 16977, 16245, 16867, 14981700, basisAdjusted},
	{"ORCL", "2025-01-31", 16870, 17126, 16743, 16835, 8704600, basisAdjusted},
	{"VST", "2025-01-17", 16811, 17234, 16559, 16993, 8263500, basisAdjusted},
	{"VST", "2025-01-21", 17832, 18774, 17390, 18434, 10678200, basisAdjusted},
	{"VST", "2025-01-22", 19194, 19361, 18230, 18584, 9003500, basisAdjusted},
	{"VST", "2025-01-23", 18797, 19875, 18719, 19084, 10217800, basisAdjusted},
	{"VST", "2025-01-24", 19296, 19338, 18808, 19007, 5265600, basisAdjusted},
	{"VST", "2025-01-27", 15325, 15608, 13187, 13633, 32356900, basisAdjusted},
	{"VST", "2025-01-28", 14141, 14908, 13419, 14882, 20931000, basisAdjusted},
	{"VST", "2025-01-29", 14645, 15913, 14583, 15436, 14323400, basisAdjusted},
	{"VST", "2025-01-30", 15815, 17553, 15614, 17534, 18034800, basisAdjusted},
	{"VST", "2025-01-31", 17405, 17546, 16623, 16711, 12159400, basisAdjusted},
	{"CEG", "2025-01-17", 32016, 32016, 31104, 31636, 2820000, basisPrinted},
	{"CEG", "2025-01-21", 32600, 33034, 31833, 32364, 4032300, basisPrinted},
	{"CEG", "2025-01-22", 32900, 33645, 31900, 33247, 4576600, basisPrinted},
	{"CEG", "2025-01-23", 33313, 35200, 33300, 34622, 4853500, basisPrinted},
	{"CEG", "2025-01-24", 34775, 35000, 34195, 34744, 3226600, basisPrinted},
	{"CEG", "2025-01-27", 29246, 30267, 27044, 27500, 16083200, basisPrinted},
	{"CEG", "2025-01-28", 28155, 28437, 25909, 27880, 9989300, basisPrinted},
	{"CEG", "2025-01-29", 27903, 29419, 27606, 29189, 6638500, basisPrinted},
	{"CEG", "2025-01-30", 30100, 31069, 29879, 30855, 6023100, basisPrinted},
	{"CEG", "2025-01-31", 31200, 31200, 29795, 29998, 4719900, basisPrinted},
	{"MSFT", "2025-01-17", 43409, 43448, 42817, 42903, 26197500, basisPrinted},
	{"MSFT", "2025-01-21", 43020, 43090, 42560, 42850, 26085700, basisPrinted},
	{"MSFT", "2025-01-22", 43756, 44727, 43600, 44620, 27803800, basisPrinted},
	{"MSFT", "2025-01-23", 44200, 44675, 44150, 44671, 18389300, basisPrinted},
	{"MSFT", "2025-01-24", 44516, 44665, 44140, 44406, 15549500, basisPrinted},
	{"MSFT", "2025-01-27", 42401, 43520, 42350, 43456, 35647800, basisPrinted},
	{"MSFT", "2025-01-28", 43460, 44838, 43138, 44720, 23491700, basisPrinted},
	{"MSFT", "2025-01-29", 44669, 44688, 44040, 44233, 23581400, basisPrinted},
	{"MSFT", "2025-01-30", 41877, 42286, 41316, 41499, 54586300, basisPrinted},
	{"MSFT", "2025-01-31", 41898, 42069, 41491, 41506, 34161900, basisPrinted},
	{"GOOGL", "2025-01-17", 19653, 19723, 19375, 19600, 27735100, basisPrinted},
	{"GOOGL", "2025-01-21", 19907, 20229, 19787, 19805, 29971300, basisPrinted},
	{"GOOGL", "2025-01-22", 19906, 20048, 19753, 19837, 26200600, basisPrinted},
	{"GOOGL", "2025-01-23", 19814, 20030, 19520, 19798, 26951400, basisPrinted},
	{"GOOGL", "2025-01-24", 19810, 20090, 19800, 20021, 23877500, basisPrinted},
	{"GOOGL", "2025-01-27", 19241, 19688, 19073, 19181, 41728900, basisPrinted},
	{"GOOGL", "2025-01-28", 19275, 19548, 19068, 19530, 24157900, basisPrinted},
	{"GOOGL", "2025-01-29", 19556, 19679, 19343, 19541, 18218300, basisPrinted},
	{"GOOGL", "2025-01-30", 19800, 20140, 19767, 20087, 24354700, basisPrinted},
	{"GOOGL", "2025-01-31", 20200, 20548, 20180, 20402, 32001100, basisPrinted},
	{"GOOG", "2025-01-17", 19805, 19881, 19531, 19755, 22109100, basisPrinted},
	{"GOOG", "2025-01-21", 20051, 20384, 19944, 19963, 19005200, basisPrinted},
	{"GOOG", "2025-01-22", 20055, 20212, 19920, 20003, 15477400, basisPrinted},
	{"GOOG", "2025-01-23", 19998, 20194, 19682, 19958, 15170800, basisPrinted},
	{"GOOG", "2025-01-24", 19985, 20257, 19978, 20190, 12732400, basisPrinted},
	{"GOOG", "2025-01-27", 19419, 19867, 19270, 19377, 24970200, basisPrinted},
	{"GOOG", "2025-01-28", 19465, 19723, 19261, 19707, 15939200, basisPrinted},
	{"GOOG", "2025-01-29", 19737, 19846, 19519, 19718, 12287800, basisPrinted},
	{"GOOG", "2025-01-30", 19976, 20324, 19947, 20263, 14571500, basisPrinted},
	{"GOOG", "2025-01-31", 20371, 20708, 20358, 20560, 17060300, basisPrinted},
	{"META", "2025-01-17", 62405, 62497, 60367, 61277, 17280600, basisPrinted},
	{"META", "2025-01-21", 61783, 62150, 60901, 61646, 11674000, basisPrinted},
	{"META", "2025-01-22", 62330, 63370, 61943, 62350, 12274000, basisPrinted},
	{"META", "2025-01-23", 62736, 63660, 62115, 63645, 9910200, basisPrinted},
	{"META", "2025-01-24", 63640, 65200, 63420, 64749, 19065300, basisPrinted},
	{"META", "2025-01-27", 62661, 66387, 62510, 65988, 28399200, basisPrinted},
	{"META", "2025-01-28", 66600, 68258, 65947, 67433, 20950100, basisPrinted},
	{"META", "2025-01-29", 67500, 68105, 66567, 67649, 21377800, basisPrinted},
	{"META", "2025-01-30", 69682, 71079, 67610, 68700, 29322900, basisPrinted},
	{"META", "2025-01-31", 69100, 70530, 68558, 68918, 19303900, basisPrinted},
	{"AMZN", "2025-01-17", 22584, 22651, 22308, 22594, 42370100, basisPrinted},
	{"AMZN", "2025-01-21", 22890, 23178, 22694, 23071, 39951500, basisPrinted},
	{"AMZN", "2025-01-22", 23202, 23544, 23119, 23501, 41448200, basisPrinted},
	{"AMZN", "2025-01-23", 23410, 23552, 23151, 23542, 26404400, basisPrinted},
	{"AMZN", "2025-01-24", 23450, 23640, 23293, 23485, 25890700, basisPrinted},
	{"AMZN", "2025-01-27", 22621, 23561, 22586, 23542, 49428300, basisPrinted},
	{"AMZN", "2025-01-28", 23429, 24177, 23398, 23815, 41587200, basisPrinted},
	{"AMZN", "2025-01-29", 23902, 24039, 23615, 23707, 26091700, basisPrinted},
	{"AMZN", "2025-01-30", 23714, 23795, 23222, 23464, 32020700, basisPrinted},
	{"AMZN", "2025-01-31", 23650, 24029, 23641, 23768, 36110200, basisPrinted},
	{"AAPL", "2025-01-17", 23212, 23229, 22848, 22998, 68488300, basisPrinted},
	{"AAPL", "2025-01-21", 22400, 22442, 21938, 22264, 98070400, basisPrinted},
	{"AAPL", "2025-01-22", 21979, 22412, 21979, 22383, 64126500, basisPrinted},
	{"AAPL", "2025-01-23", 22474, 22703, 22230, 22366, 60234800, basisPrinted},
	{"AAPL", "2025-01-24", 22478, 22563, 22141, 22278, 54697900, basisPrinted},
	{"AAPL", "2025-01-27", 22402, 23215, 22398, 22986, 94863400, basisPrinted},
	{"AAPL", "2025-01-28", 23085, 24019, 23081, 23826, 75707600, basisPrinted},
	{"AAPL", "2025-01-29", 23412, 23986, 23401, 23936, 45486100, basisPrinted},
	{"AAPL", "2025-01-30", 23867, 24079, 23721, 23759, 55658300, basisPrinted},
	{"AAPL", "2025-01-31", 24719, 24719, 23344, 23600, 100959800, basisPrinted},
	{"QQQ", "2025-01-17", 52285, 52407, 51311, 52174, 51837900, basisPrinted},
	{"QQQ", "2025-01-21", 52448, 52597, 52006, 52480, 23628000, basisPrinted},
	{"QQQ", "2025-01-22", 52957, 53382, 52926, 53151, 33593000, basisPrinted},
	{"QQQ", "2025-01-23", 52904, 53276, 52845, 53264, 23096600, basisPrinted},
	{"QQQ", "2025-01-24", 53302, 53379, 52815, 52963, 19878300, basisPrinted},
	{"QQQ", "2025-01-27", 51100, 51799, 51015, 51421, 60771700, basisPrinted},
	{"QQQ", "2025-01-28", 51522, 52300, 51178, 52181, 33194200, basisPrinted},
	{"QQQ", "2025-01-29", 52246, 52259, 51690, 52083, 26649000, basisPrinted},
	{"QQQ", "2025-01-30", 52371, 52610, 51821, 52305, 27431300, basisPrinted},
	{"QQQ", "2025-01-31", 52692, 53152, 52119, 52229, 38755200, basisPrinted},
	{"SPY", "2025-01-17", 59696, 59936, 59561, 59758, 58070600, basisPrinted},
	{"SPY", "2025-01-21", 60067, 60306, 59867, 60305, 42532900, basisPrinted},
	{"SPY", "2025-01-22", 60592, 60782, 60536, 60644, 48196000, basisPrinted},
	{"SPY", "2025-01-23", 60580, 60975, 60552, 60975, 41152100, basisPrinted},
	{"SPY", "2025-01-24", 60981, 61078, 60680, 60797, 34604700, basisPrinted},
	{"SPY", "2025-01-27", 59481, 59969, 59464, 59937, 70361100, basisPrinted},
	{"SPY", "2025-01-28", 60062, 60537, 59725, 60452, 44433300, basisPrinted},
	{"SPY", "2025-01-29", 60372, 60413, 59922, 60181, 37177400, basisPrinted},
	{"SPY", "2025-01-30", 60396, 60660, 60072, 60504, 39281300, basisPrinted},
	{"SPY", "2025-01-31", 60750, 60996, 60105, 60182, 66566900, basisPrinted},
	{"^IXIC", "2025-01-17", 1965555, 1970964, 1954332, 1963020, 7996360000, basisPrinted},
	{"^IXIC", "2025-01-21", 1973439, 1978963, 1955117, 1975678, 8015780000, basisPrinted},
	{"^IXIC", "2025-01-22", 1990305, 2006852, 1990305, 2000934, 7219060000, basisPrinted},
	{"^IXIC", "2025-01-23", 1990699, 2005368, 1989255, 2005368, 6837700000, basisPrinted},
	{"^IXIC", "2025-01-24", 2008711, 2011861, 1989713, 1995430, 7708150000, basisPrinted},
	{"^IXIC", "2025-01-27", 1923404, 1951435, 1920495, 1934183, 8870200000, basisPrinted},
	{"^IXIC", "2025-01-28", 1941822, 1975943, 1929462, 1973359, 7121740000, basisPrinted},
	{"^IXIC", "2025-01-29", 1969568, 1969982, 1947951, 1963232, 6497710000, basisPrinted},
	{"^IXIC", "2025-01-30", 1969753, 1978579, 1948383, 1968175, 6679500000, basisPrinted},
	{"^IXIC", "2025-01-31", 1983233, 1996917, 1957521, 1962744, 7947370000, basisPrinted},
	{"^GSPC", "2025-01-17", 599540, 601496, 597844, 599666, 4366830000, basisPrinted},
	{"^GSPC", "2025-01-21", 601412, 605151, 600688, 604924, 4702920000, basisPrinted},
	{"^GSPC", "2025-01-22", 608139, 610081, 607613, 608637, 4323040000, basisPrinted},
	{"^GSPC", "2025-01-23", 607632, 611873, 607467, 611871, 4432250000, basisPrinted},
	{"^GSPC", "2025-01-24", 612143, 612818, 608874, 610124, 4214250000, basisPrinted},
	{"^GSPC", "2025-01-27", 596904, 601717, 596292, 601228, 5198750000, basisPrinted},
	{"^GSPC", "2025-01-28", 602697, 607454, 599463, 606770, 4473640000, basisPrinted},
	{"^GSPC", "2025-01-29", 605770, 606283, 601296, 603931, 4115310000, basisPrinted},
	{"^GSPC", "2025-01-30", 605075, 608664, 602746, 607117, 4634620000, basisPrinted},
	{"^GSPC", "2025-01-31", 609679, 612091, 603093, 604053, 4843770000, basisPrinted},
	{"^SOX", "2025-01-17", 528961, 531968, 525236, 530974, 0, basisPrinted},
	{"^SOX", "2025-01-21", 535691, 542533, 530752, 537850, 0, basisPrinted},
	{"^SOX", "2025-01-22", 543677, 552515, 543380, 546929, 0, basisPrinted},
	{"^SOX", "2025-01-23", 536752, 544474, 535085, 544469, 0, basisPrinted},
	{"^SOX", "2025-01-24", 544729, 544981, 532061, 534194, 0, basisPrinted},
	{"^SOX", "2025-01-27", 500784, 504543, 478543, 485324, 0, basisPrinted},
	{"^SOX", "2025-01-28", 489625, 492819, 477682, 490703, 0, basisPrinted},
	{"^SOX", "2025-01-29", 494943, 496467, 486232, 491810, 0, basisPrinted},
	{"^SOX", "2025-01-30", 499655, 505443, 495970, 503053, 0, basisPrinted},
	{"^SOX", "2025-01-31", 505847, 516193, 500019, 501585, 0, basisPrinted},
}

var checkpointTables = []checkpointTable{
	{day: "2025-01-24", series: []string{"NVDA", "TSM", "MU", "MSFT", "GOOG", "META", "AMZN", "AAPL", "QQQ", "SPY", "^IXIC", "^GSPC", "^SOX"},
		closes: []checkpointRow{
			{"09:30", []int64{14779, 22269, 10445, 44268, 20153, 64192, 23507, 22452, 53238, 60985, 2007000, 611978, 542613}},
			{"10:00", []int64{14733, 22278, 10361, 44443, 20143, 64191, 23613, 22369, 53257, 60972, 2006290, 611789, 540551}},
			{"10:30", []int64{14642, 22276, 10363, 44418, 20082, 64291, 23490, 22304, 53223, 60950, 2004968, 611569, 540549}},
			{"11:00", []int64{14508, 22256, 10370, 44470, 20011, 64272, 23403, 22254, 53129, 60916, 2001118, 611210, 538655}},
			{"11:30", []int64{14513, 22467, 10403, 44614, 20105, 64500, 23444, 22270, 53220, 60990, 2004887, 611969, 539978}},
			{"12:00", []int64{14455, 22328, 10358, 44538, 20073, 64485, 23377, 22281, 53149, 60953, 2002227, 611565, 538949}},
			{"12:30", []int64{14448, 22322, 10361, 44456, 20113, 64861, 23401, 22225, 53153, 60957, 2002534, 611605, 539033}},
			{"13:00", []int64{14339, 22258, 10294, 44437, 20166, 65072, 23400, 22232, 53063, 60875, 1999184, 610822, 535630}},
			{"13:30", []int64{14312, 22280, 10307, 44358, 20169, 64783, 23374, 22213, 53004, 60824, 1997194, 610318, 534934}},
			{"14:00", []int64{14218, 22175, 10300, 44212, 20167, 64520, 23335, 22223, 52860, 60729, 1991666, 609341, 532660}},
			{"14:30", []int64{14217, 22225, 10304, 44218, 20215, 64485, 23315, 22261, 52869, 60733, 1992098, 609415, 532832}},
			{"15:00", []int64{14228, 22240, 10318, 44258, 20194, 64692, 23345, 22279, 52919, 60777, 1993621, 609835, 534315}},
			{"15:30", []int64{14244, 22187, 10301, 44269, 20154, 64575, 23348, 22246, 52880, 60702, 1991820, 609098, 533790}},
			{"15:55", []int64{14260, 22178, 10319, 44398, 20192, 64750, 23485, 22279, 52965, 60793, 1995226, 610082, 534060}},
		},
		extremes: []extremeRow{
			{"NVDA", 14837, 14897, "09:30", 14188, "15:05"},
			{"TSM", 22622, 22640, "09:30", 22096, "15:45"},
			{"MU", 10550, 10572, "09:30", 10272, "13:05"},
			{"MSFT", 44535, 44665, "11:45", 44140, "09:30"},
			{"GOOG", 19985, 20257, "14:25", 19978, "09:30"},
			{"META", 63640, 65200, "13:15", 63420, "09:30"},
			{"AMZN", 23450, 23640, "09:50", 23293, "14:10"},
			{"AAPL", 22478, 22563, "09:30", 22141, "15:25"},
			{"QQQ", 53302, 53379, "09:50", 52815, "14:10"},
			{"SPY", 60979, 61078, "09:45", 60680, "15:40"},
			{"^IXIC", 2008711, 2011861, "09:50", 1989713, "14:10"},
			{"^GSPC", 612143, 612818, "09:45", 608874, "15:40"},
			{"^SOX", 544729, 544981, "09:30", 532061, "14:15"},
		},
	},
	{day: "2025-01-27", series: []string{"NVDA", "TSM", "MU", "MSFT", "GOOG", "META", "AMZN", "AAPL", "QQQ", "SPY", "^IXIC", "^GSPC", "^SOX"},
		closes: []checkpointRow{
			{"09:30", []int64{12751, 20637, 9564, 42466, 19544, 63272, 22720, 22647, 51367, 59738, 1934140, 599232, 502388}},
			{"10:00", []int64{12592, 19973, 9340, 42695, 19579, 63771, 22937, 22531, 51459, 59762, 1938464, 599612, 498829}},
			{"10:30", []int64{12487, 19528, 9356, 43199, 19795, 65235, 23246, 22805, 51760, 59944, 1949450, 601519, 499578}},
			{"11:00", []int64{12214, 19338, 9223, 42929, 19722, 65812, 23223, 22815, 51514, 59771, 1940282, 599655, 493040}},
			{"11:30", []int64{11813, 18892, 9195, 42791, 19667, 65935, 23239, 22857, 51301, 59647, 1930354, 598410, 488360}},
			{"12:00", []int64{12136, 19231, 9217, 42783, 19600, 65424, 23335, 22886, 51391, 59751, 1935854, 599489, 489889}},
			{"12:30", []int64{12078, 19221, 9160, 42721, 19551, 65300, 23257, 23034, 51382, 59798, 1934643, 600000, 488430}},
			{"13:00", []int64{11932, 19028, 9046, 42838, 19531, 65024, 23159, 23065, 51199, 59638, 1927578, 598370, 482892}},
			{"13:30", []int64{11884, 18882, 8931, 43056, 19532, 65122, 23314, 23135, 51227, 59680, 1928439, 598813, 481304}},
			{"14:00", []int64{11789, 18931, 8880, 43235, 19515, 65138, 23389, 23137, 51221, 59715, 1927977, 599147, 479791}},
			{"14:30", []int64{11896, 19090, 8912, 43381, 19522, 65192, 23361, 23143, 51328, 59859, 1932313, 600537, 482175}},
			{"15:00", []int64{11805, 19047, 8909, 43350, 19346, 64791, 23202, 23186, 51173, 59720, 1926122, 599207, 482199}},
			{"15:30", []int64{11802, 19055, 9013, 43423, 19278, 65179, 23283, 23078, 51221, 59737, 1927025, 599330, 483554}},
			{"15:55", []int64{11853, 19252, 9112, 43457, 19376, 65990, 23541, 22993, 51405, 59939, 1934683, 601339, 485498}},
		},
		extremes: []extremeRow{
			{"NVDA", 12480, 12840, "09:30", 11670, "14:45"},
			{"TSM", 19704, 20700, "09:30", 18766, "13:30"},
			{"MU", 9494, 9610, "09:35", 8836, "13:50"},
			{"MSFT", 42400, 43520, "15:55", 42350, "09:30"},
			{"GOOG", 19414, 19867, "10:40", 19270, "15:35"},
			{"META", 62664, 66387, "11:45", 62510, "09:35"},
			{"AMZN", 22627, 23561, "15:55", 22586, "09:30"},
			{"AAPL", 22402, 23215, "14:25", 22398, "09:30"},
			{"QQQ", 51092, 51799, "10:40", 51015, "14:50"},
			{"SPY", 59483, 59969, "10:40", 59464, "09:30"},
			{"^IXIC", 1923404, 1951435, "10:40", 1920495, "14:50"},
			{"^GSPC", 596904, 601717, "10:40", 596292, "09:30"},
			{"^SOX", 500784, 504543, "09:30", 478543, "14:55"},
		},
	},
	{day: "2025-01-28", series: []string{"NVDA", "TSM", "MU", "MSFT", "GOOG", "META", "AMZN", "AAPL", "QQQ", "SPY", "^IXIC", "^GSPC", "^SOX"},
		closes: []checkpointRow{
			{"09:30", []int64{11926, 19393, 9035, 43352, 19452, 67085, 23508, 23418, 51418, 59959, 1938047, 601705, 484143}},
			{"10:00", []int64{12015, 19696, 8981, 43695, 19479, 67131, 23794, 23578, 51654, 60047, 1946499, 602566, 484404}},
			{"10:30", []int64{12103, 19534, 8959, 44120, 19578, 66281, 23897, 23811, 51821, 60194, 1954681, 603984, 484918}},
			{"11:00", []int64{12112, 19560, 8992, 44097, 19656, 66875, 24029, 23832, 51875, 60305, 1956493, 605130, 483529}},
			{"11:30", []int64{12145, 19525, 8869, 44220, 19608, 67287, 23981, 23960, 51801, 60167, 1954929, 603743, 481488}},
			{"12:00", []int64{12413, 19775, 8907, 44260, 19666, 67791, 24014, 23990, 51988, 60276, 1962430, 604895, 484729}},
			{"12:30", []int64{12600, 19854, 8905, 44468, 19670, 67965, 24084, 23872, 52135, 60382, 1968072, 605989, 487310}},
			{"13:00", []int64{12624, 19967, 8870, 44560, 19667, 67929, 24055, 23905, 52146, 60425, 1968508, 606318, 487102}},
			{"13:30", []int64{12613, 20004, 8889, 44610, 19673, 68136, 23932, 23888, 52134, 60441, 1968285, 606469, 487477}},
			{"14:00", []int64{12626, 20016, 8889, 44558, 19657, 67688, 23900, 23886, 52060, 60347, 1965945, 605576, 487441}},
			{"14:30", []int64{12693, 20094, 8903, 44692, 19673, 67996, 23953, 23918, 52174, 60439, 1970859, 606490, 489173}},
			{"15:00", []int64{12713, 20090, 8916, 44834, 19669, 67795, 23929, 23849, 52237, 60487, 1973207, 606958, 491577}},
			{"15:30", []int64{12766, 20213, 8923, 44716, 19704, 67772, 23887, 23875, 52284, 60507, 1975156, 607180, 492597}},
			{"15:55", []int64{12879, 20243, 8827, 44702, 19701, 67409, 23822, 23824, 52187, 60448, 1972895, 606696, 490553}},
		},
		extremes: []extremeRow{
			{"NVDA", 12181, 12900, "15:55", 11625, "09:40"},
			{"TSM", 19565, 20284, "15:55", 19246, "09:40"},
			{"MU", 9261, 9345, "09:30", 8804, "11:55"},
			{"MSFT", 43460, 44838, "15:00", 43138, "09:30"},
			{"GOOG", 19450, 19723, "15:20", 19261, "09:45"},
			{"META", 66578, 68258, "13:05", 65946, "10:35"},
			{"AMZN", 23429, 24177, "12:20", 23398, "09:35"},
			{"AAPL", 23084, 24019, "11:35", 23081, "09:30"},
			{"QQQ", 51520, 52300, "14:55", 51178, "09:45"},
			{"SPY", 60062, 60537, "15:20", 59725, "09:45"},
			{"^IXIC", 1941822, 1975943, "14:45", 1929462, "09:45"},
			{"^GSPC", 602697, 607454, "15:20", 599463, "09:45"},
			{"^SOX", 489625, 492819, "15:30", 477682, "09:40"},
		},
	},
}

var extraCheckpoints27 = checkpointTable{day: "2025-01-27",
	series: []string{"NVDA", "TSM", "MU", "QQQ", "^IXIC", "^SOX"},
	closes: []checkpointRow{
		{"09:30", []int64{12751, 20637, 9564, 51367, 1934140, 502388}},
		{"09:55", []int64{12688, 20058, 9400, 51593, 1943588, 501913}},
		{"10:25", []int64{12403, 19650, 9347, 51677, 1945825, 498228}},
		{"10:55", []int64{12300, 19357, 9276, 51545, 1942112, 494134}},
		{"11:25", []int64{11914, 19021, 9204, 51297, 1931033, 488678}},
		{"11:55", []int64{12025, 19212, 9180, 51292, 1931699, 488295}},
		{"12:55", []int64{11851, 18969, 9001, 51128, 1924838, 481587}},
		{"13:55", []int64{11783, 18815, 8892, 51147, 1925414, 478905}},
		{"14:45", []int64{11694, 18966, 8841, 51072, 1922312, 478984}},
		{"15:25", []int64{11778, 19111, 8962, 51202, 1926686, 482587}},
		{"15:55", []int64{11853, 19252, 9112, 51405, 1934683, 485498}},
	},
}

// firstBarRow is a whole 5-minute bar: open, high, low and close.
type firstBarRow struct {
	series     string
	o, h, l, c int64
}

// firstBars are the real first 5-minute bars (09:30-09:35) of a session,
// from the fact sheet's "first 5-minute bar" table: the open's swing that
// the half-hour checkpoints miss (NVDA fell to 123.64, -13.3%, before
// closing the bar at 127.51). The consolidated daily open stays the first
// price where it differs from the IBKR bar's open by a few cents.
var firstBars = []struct {
	day  string
	rows []firstBarRow
}{
	{"2025-01-27", []firstBarRow{
		{"NVDA", 12480, 12840, 12364, 12751},
		{"TSM", 19704, 20700, 19697, 20637},
		{"MU", 9494, 9570, 9290, 9564},
		{"MSFT", 42400, 42590, 42350, 42466},
		{"GOOG", 19414, 19591, 19411, 19544},
		{"META", 62664, 64095, 62570, 63272},
		{"AMZN", 22627, 22955, 22586, 22720},
		{"AAPL", 22402, 22699, 22398, 22647},
		{"QQQ", 51092, 51450, 51053, 51367},
		{"SPY", 59483, 59788, 59464, 59738},
		{"^IXIC", 1923404, 1936164, 1923404, 1934140},
		{"^GSPC", 596904, 599538, 596292, 599232},
		{"^SOX", 500784, 504543, 499746, 502388},
	}},
}

// Groups.
const (
	groupChips      = "chips"
	groupPower      = "power"
	groupPlatforms  = "platforms"
	groupBenchmarks = "benchmarks"
)

// symbolInfo is the header entry of one instrument plus the series whose
// intraday shape stands in for it when no intraday facts exist.
type symbolInfo struct {
	sym, name, kind, group, company, basis string
	shares                                 *snapshots.Shares
	noVolume                               bool
	// proxies are the preferred shape donors, best first (only used for
	// series without intraday checkpoints).
	proxies []string
}

const (
	hkSEC = "SEC filing cover page, read from heliar-k/market-base @ ea74518 data/sec/"
	fmpWA = "FMP quarterly weightedAverageShsOut, hamletj/finance_assistant @ bd00f31 data/"
	memo  = "unsourced: figure from memory in the project's fact sheet (selloff-facts §5); the as-of date is the snapshot's week, not a sourced date"
)

var chipProxies = []string{"^SOX", "NVDA", "TSM", "MU"}

// symbolTable lists the snapshot's instruments in their fixed order (the
// order of the header and of same-time records).
var symbolTable = []symbolInfo{
	{sym: "NVDA", name: "NVIDIA Corporation", kind: snapshots.KindEquity, group: groupChips, company: "NVIDIA", basis: basisPrinted,
		shares: &snapshots.Shares{Count: 24_490_000_000, AsOf: "2024-11-15", Source: hkSEC + "NVDA/10-Q_2024-11-20 (24.49 billion)"}},
	{sym: "AVGO", name: "Broadcom Inc.", kind: snapshots.KindEquity, group: groupChips, company: "Broadcom", basis: basisPrinted, proxies: chipProxies,
		shares: &snapshots.Shares{Count: 4_687_356_156, AsOf: "2024-11-29", Source: hkSEC + "AVGO/10-K_2024-12-20"}},
	{sym: "TSM", name: "Taiwan Semiconductor Manufacturing (ADR)", kind: snapshots.KindEquity, group: groupChips, company: "TSMC", basis: basisPrinted,
		shares: &snapshots.Shares{Count: 5_185_511_200, AsOf: "2024-12-31", Source: fmpWA + "TSM.csv, weighted average Q4 2024, ADR-equivalent; the meaning and the 1 ADR = 5 shares ratio are the fact sheet's reading (unsourced)",
			Approximate: true}},
	{sym: "ASML", name: "ASML Holding (ADR)", kind: snapshots.KindEquity, group: groupChips, company: "ASML", basis: basisPrinted, proxies: chipProxies,
		shares: &snapshots.Shares{Count: 393_534_303, AsOf: "2024-12-31", Source: fmpWA + "ASML.csv, weighted average Q4 2024"}},
	{sym: "AMD", name: "Advanced Micro Devices", kind: snapshots.KindEquity, group: groupChips, company: "AMD", basis: basisPrinted, proxies: chipProxies,
		shares: &snapshots.Shares{Count: 1_620_477_962, AsOf: "2025-01-30", Source: hkSEC + "AMD/10-K_2025-02-05"}},
	{sym: "ARM", name: "Arm Holdings (ADR)", kind: snapshots.KindEquity, group: groupChips, company: "Arm", basis: basisPrinted, proxies: chipProxies,
		shares: &snapshots.Shares{Count: 1_060_000_000, AsOf: "2025-01-27", Source: memo, Approximate: true}},
	{sym: "MRVL", name: "Marvell Technology", kind: snapshots.KindEquity, group: groupChips, company: "Marvell", basis: basisPrinted, proxies: chipProxies,
		shares: &snapshots.Shares{Count: 860_000_000, AsOf: "2025-01-27", Source: memo, Approximate: true}},
	{sym: "MU", name: "Micron Technology", kind: snapshots.KindEquity, group: groupChips, company: "Micron", basis: basisPrinted,
		shares: &snapshots.Shares{Count: 1_114_171_932, AsOf: "2024-12-12", Source: hkSEC + "MU/10-Q_2024-12-19"}},
	{sym: "SMCI", name: "Super Micro Computer", kind: snapshots.KindEquity, group: groupChips, company: "Supermicro", basis: basisPrinted, proxies: chipProxies,
		shares: &snapshots.Shares{Count: 592_507_000, AsOf: "2024-12-31", Source: fmpWA + "SMCI.csv, weighted average FQ2 2025"}},
	{sym: "VST", name: "Vistra Corp.", kind: snapshots.KindEquity, group: groupPower, company: "Vistra", basis: basisAdjusted, proxies: chipProxies,
		shares: &snapshots.Shares{Count: 344_788_634, AsOf: "2024-12-31", Source: fmpWA + "VST.csv, weighted average Q4 2024"}},
	{sym: "CEG", name: "Constellation Energy", kind: snapshots.KindEquity, group: groupPower, company: "Constellation", basis: basisPrinted, proxies: chipProxies,
		shares: &snapshots.Shares{Count: 310_000_000, AsOf: "2025-01-27", Source: memo, Approximate: true}},
	{sym: "MSFT", name: "Microsoft Corporation", kind: snapshots.KindEquity, group: groupPlatforms, company: "Microsoft", basis: basisPrinted,
		shares: &snapshots.Shares{Count: 7_433_982_235, AsOf: "2025-01-23", Source: hkSEC + "MSFT/10-Q_2025-01-29"}},
	{sym: "GOOGL", name: "Alphabet Inc. (Class A)", kind: snapshots.KindEquity, group: groupPlatforms, company: "Alphabet", basis: basisPrinted, proxies: []string{"GOOG"},
		shares: &snapshots.Shares{Count: 12_190_000_000, AsOf: "2025-01-28", Source: hkSEC + "GOOG/10-K_2025-02-05: all of Alphabet (Class A 5,833M + Class B 860M + Class C 5,497M), stored once",
			// Class B does not trade; it converts to A one for one, so it
			// is valued at the class A price.
			Classes: []snapshots.ShareClass{{Symbol: "GOOGL", Class: "A+B", Count: 6_693_000_000}, {Symbol: "GOOG", Class: "C", Count: 5_497_000_000}}}},
	{sym: "META", name: "Meta Platforms", kind: snapshots.KindEquity, group: groupPlatforms, company: "Meta", basis: basisPrinted,
		shares: &snapshots.Shares{Count: 2_533_659_265, AsOf: "2025-01-24", Source: hkSEC + "META/10-K_2025-01-30 (Class A 2,189,898,148 + Class B 343,761,117)"}},
	{sym: "AMZN", name: "Amazon.com", kind: snapshots.KindEquity, group: groupPlatforms, company: "Amazon", basis: basisPrinted,
		shares: &snapshots.Shares{Count: 10_597_729_352, AsOf: "2025-01-29", Source: hkSEC + "AMZN/10-K_2025-02-07"}},
	{sym: "ORCL", name: "Oracle Corporation", kind: snapshots.KindEquity, group: groupPlatforms, company: "Oracle", basis: basisAdjusted, proxies: chipProxies,
		shares: &snapshots.Shares{Count: 2_790_000_000, AsOf: "2024-11-30", Source: fmpWA + "ORCL.csv, weighted average FQ2 2025 (Nov 2024)"}},
	{sym: "AAPL", name: "Apple Inc.", kind: snapshots.KindEquity, group: groupPlatforms, company: "Apple", basis: basisPrinted,
		shares: &snapshots.Shares{Count: 15_022_073_000, AsOf: "2025-01-17", Source: hkSEC + "AAPL/10-Q_2025-01-31"}},
	{sym: "QQQ", name: "Invesco QQQ Trust", kind: snapshots.KindETF, group: groupBenchmarks, basis: basisPrinted},
	{sym: "SPY", name: "SPDR S&P 500 ETF Trust", kind: snapshots.KindETF, group: groupBenchmarks, basis: basisPrinted},
	{sym: "^IXIC", name: "Nasdaq Composite", kind: snapshots.KindIndex, group: groupBenchmarks, basis: basisPrinted},
	{sym: "^GSPC", name: "S&P 500", kind: snapshots.KindIndex, group: groupBenchmarks, basis: basisPrinted},
	{sym: "^SOX", name: "PHLX Semiconductor Index", kind: snapshots.KindIndex, group: groupBenchmarks, basis: basisPrinted, noVolume: true},
}
