package deepseek

import (
	"fmt"
	"sort"
	"time"

	"github.com/selloff/selloff/snapshots"
)

// eventFact is one timeline entry as typed from the fact sheet (section 6,
// with the cross-checks of section 4). when is "YYYY-MM-DD HH:MM[:SS]" in ET
// for a sourced time, or "YYYY-MM-DD" with a precision when only the date,
// the afternoon or the evening is known. No time here is invented: the
// precision says what is known.
type eventFact struct {
	when      string
	precision string
	id        string
	title     string
	detail    string
	outlet    string
	link      string
	symbols   []string
	// outcome marks an outcome of the day (a close, a day's move): known at
	// the close, never before (only with precision date).
	outcome bool
	// session is "pre" for a pre-market report of unknown time (precision
	// morning).
	session string
	// quotes are the figures the event reports, as typed from the same
	// line of the fact sheet (see quoteFact).
	quotes []quoteFact
}

// quoteFact is one reported figure. Tolerances are the figure's own
// precision: 0.005 for a price to the cent or a move to a hundredth of a
// percent, 0.05 for a move to a tenth, 0.5 for a whole percent ("as much as
// 13%", "about 8%"). "Over 11%" and "more than 14%" are read as 11-12% and
// 14-15% (centre 11.5, tolerance 0.5), "nearly 8%" as 7-8%, each with its
// bound (over, under) so that a reader shows "<−11%", not the centre. at is the moment
// the figure describes when it is not the event's time ("YYYY-MM-DD HH:MM"
// ET).
type quoteFact struct {
	sym          string
	price, pct   float64 // 0 when the source gives none
	tol, tolPct  float64
	extent, sess string
	at           string
	bound        string // snapshots.BoundOver ("over 11%"), BoundUnder ("nearly 8%")
}

const (
	cent   = 0.005 // a price to the cent; a move to a hundredth of a percent
	tenth  = 0.05  // a move to a tenth of a percent
	whole  = 0.5   // a move to a whole percent
	pre    = snapshots.StatePre
	post   = snapshots.StatePost
	report = snapshots.ExtentReport
	low    = snapshots.ExtentLow
)

// px is a price to the cent with its move to a tenth of a percent (pct 0:
// no move given).
func px(sym string, price, pct float64) quoteFact {
	return quoteFact{sym: sym, price: price, tol: cent, pct: pct, tolPct: tenth}
}

// mv is a move in percent with its precision.
func mv(sym string, pct, tolPct float64) quoteFact {
	return quoteFact{sym: sym, pct: pct, tolPct: tolPct}
}

// in returns q for session sess with extent ext.
func (q quoteFact) in(sess, ext string) quoteFact { q.sess, q.extent = sess, ext; return q }

// over and under mark a move the source gave as a bound: "over 11%" is
// over(mv(.., -11.5, whole)), "nearly 8%" under(mv(.., -7.5, whole)).
func (q quoteFact) over() quoteFact  { q.bound = snapshots.BoundOver; return q }
func (q quoteFact) under() quoteFact { q.bound = snapshots.BoundUnder; return q }

// atTime returns q describing the moment at (ET) instead of the event's.
func (q quoteFact) atTime(at string) quoteFact { q.at = at; return q }

var eventFacts = []eventFact{
	{when: "2024-12-26 06:01:57", id: "deepseek-v3-release",
		title:   "DeepSeek publishes DeepSeek-V3",
		detail:  "The \"Release DeepSeek-V3\" commit lands in DeepSeek's GitHub repository at 19:01 Beijing time. A Reuters text later says V3 \"launched on Jan. 10\", probably the app launch.",
		outlet:  "GitHub (deepseek-ai/DeepSeek-V3)",
		link:    "https://github.com/deepseek-ai/DeepSeek-V3/commit/4c2fdb8f55e049553b9f4f1a3241f86d739c8cf8",
		symbols: []string{"NVDA"}},
	{when: "2025-01-20 07:19:44", id: "deepseek-r1-release",
		title:   "DeepSeek releases the R1 reasoning model",
		detail:  "R1, R1-Zero and a family of distilled models are published on GitHub. US markets are shut that day for Martin Luther King Jr. Day.",
		outlet:  "GitHub (deepseek-ai/DeepSeek-R1)",
		link:    "https://github.com/deepseek-ai/DeepSeek-R1/commit/23807ced51627276434655dd9f27725354818974",
		symbols: []string{"NVDA"}},
	{when: "2025-01-21", precision: snapshots.PrecisionAfternoon, id: "stargate-announced",
		title:   "Stargate AI infrastructure venture announced at the White House",
		detail:  "Altman, Son and Ellison join Trump to announce Stargate: $100B at first, up to $500B over four years. Oracle is an equity funder and Arm a key technology partner.",
		outlet:  "Just Security",
		link:    "https://justsecurity.org/106688/what-happened-trumps-announcement-stargate-ai-project",
		symbols: []string{"ORCL", "ARM"}},
	{when: "2025-01-22", precision: snapshots.PrecisionDate, outcome: true, id: "stargate-rally",
		title:   "Stargate partners rally: ORCL +6.7%, ARM +15.9%",
		detail:  "The day after the Stargate announcement Oracle and Arm jump (ORCL on adjusted prices).",
		outlet:  "Daily bars (derived)",
		link:    "https://alekbo.com/news/top-news/trump-announces-ai-infrastructure-investment-backed-by-oracle-openai-and-softbank.html",
		symbols: []string{"ORCL", "ARM"},
		quotes:  []quoteFact{mv("ORCL", 6.7, tenth), mv("ARM", 15.9, tenth)}},
	{when: "2025-01-24", precision: snapshots.PrecisionDate, id: "meta-capex",
		title:   "Meta plans $60–65B of AI capital spending for 2025",
		detail:  "Meta announces its 2025 AI spending plan on the Friday before the rout. NVDA ends the day 3.1% lower.",
		outlet:  "City Index",
		link:    "https://cityindex.com/en-uk/news-and-analysis/nasdaq-100-forecast-qqq-tumbles-as-deepseek-sparks-a-1-trillion-tech-rout-us-open-2025-1-27/?amp=true",
		symbols: []string{"META", "NVDA"},
		quotes:  []quoteFact{mv("NVDA", -3.1, tenth).atTime("2025-01-24 16:00")}},
	{when: "2025-01-25", precision: snapshots.PrecisionDate, id: "lecun-open-source",
		title:   "LeCun: open-source models are surpassing proprietary ones",
		detail:  "Meta's chief AI scientist reads DeepSeek's success not as China overtaking the US but as open models beating closed ones. Reported on 25 Jan by one outlet and in a copy dated 26 Jan; the post's time is unknown.",
		outlet:  "Business Insider",
		link:    "https://ca.news.yahoo.com/metas-chief-ai-scientist-says-193729910.html",
		symbols: []string{"META"}},
	{when: "2025-01-26", precision: snapshots.PrecisionDate, id: "app-store-no1",
		title:  "DeepSeek app becomes No. 1 free app on the US App Store",
		detail: "Up from No. 31 a couple of days earlier, it displaces ChatGPT and tops the charts in 51 other countries, with 2.6M downloads by Monday morning (Appfigures, Sensor Tower). The exact moment is not known.",
		outlet: "TechCrunch",
		link:   "https://guidantech.com/deepseek-displaces-chatgpt-as-the-app-stores-top-app"},
	{when: "2025-01-26 17:16:21", id: "andreessen-sputnik",
		title:   "Andreessen: \"Deepseek R1 is AI's Sputnik moment\"",
		detail:  "Marc Andreessen posts the comparison on X on Sunday, the day before the rout. The time is derived from the post's ID.",
		outlet:  "X (via usa-newnews.com)",
		link:    "https://usa-newnews.com/business/trump-billionaire-supporter-praises-china-for-sputnik-moment",
		symbols: []string{"NVDA"}},
	{when: "2025-01-27 04:06", id: "futures-slide",
		title:   "US futures slide before dawn: Nasdaq 100 E-minis −3%",
		detail:  "Nasdaq 100 futures are down 667 points (−3.04%) and S&P 500 futures −1.96%. Pre-market NVDA is −6.9%, MU −6.4%, AMD −3.7%, MSFT and META −3.3%, SMCI about −8%.",
		outlet:  "Reuters",
		link:    "https://escapismnanaimo.ca/?p=187934",
		symbols: []string{"NVDA", "MU", "AMD", "MSFT", "META", "SMCI", "QQQ", "SPY"},
		quotes:  []quoteFact{mv("NVDA", -6.9, tenth).in(pre, ""), mv("MU", -6.4, tenth).in(pre, ""), mv("AMD", -3.7, tenth).in(pre, ""), mv("MSFT", -3.3, tenth).in(pre, ""), mv("META", -3.3, tenth).in(pre, ""), mv("SMCI", -8, whole).in(pre, "")}},
	{when: "2025-01-27", precision: snapshots.PrecisionMorning, session: pre, id: "premarket-nvda-over-11",
		title:   "Pre-market: NVDA down over 11%, Nasdaq 100 futures −4.3%",
		detail:  "Before the open Nasdaq 100 futures are down 4.3%, S&P futures 2.4% and Dow futures 0.9%; NVDA is down \"over 11%\", ASML 9%, MSFT and META about 6%. No time is given.",
		outlet:  "Yahoo Finance (via fintechnews.site)",
		link:    "https://fintechnews.site/nasdaq-futures-plunge-leading-wall-street-rout-as-china-s-ai-startup-raises-concerns",
		symbols: []string{"NVDA", "ASML", "MSFT", "META"},
		quotes: []quoteFact{mv("NVDA", -11.5, whole).in(pre, report).over(), mv("ASML", -9, whole).in(pre, report),
			mv("MSFT", -6, whole).in(pre, report), mv("META", -6, whole).in(pre, report)}},
	{when: "2025-01-27", precision: snapshots.PrecisionMorning, session: pre, id: "power-premarket",
		title:   "Pre-market: power stocks CEG and VST down more than 14%",
		detail:  "Constellation Energy and Vistra are each down \"more than 14%\" before the open and GE Vernova about 16%, as cheaper AI calls the power build-out into question. No time is given.",
		outlet:  "CNBC (via investingtrendsdaily.com)",
		link:    "https://investingtrendsdaily.com/power-stocks-plunge-as-energy-needs-called-into-question-because-of-new-china-ai-lab",
		symbols: []string{"CEG", "VST"},
		quotes:  []quoteFact{mv("CEG", -14.5, whole).in(pre, report).over(), mv("VST", -14.5, whole).in(pre, report).over()}},
	{when: "2025-01-27 05:09:45", id: "deepseek-ddos",
		title:  "Third DDoS wave hits DeepSeek's API",
		detail: "NSFocus logs the third of three distributed denial-of-service waves against the address behind api.deepseek.com (18:09 Beijing time); the earlier waves came on 25 and 26 Jan.",
		outlet: "TechTarget",
		link:   "https://vuink.com/post/grpugnetrg-d-dpbz/searchsecurity/news/366618543/NSFocus-DeepSeek-AI-hit-with-well-planned-DDoS-attacks"},
	{when: "2025-01-27 09:00", id: "fortune-set-to-open-red",
		title:   "Fortune: US markets set to open deep in the red",
		detail:  "Half an hour before the bell, the selloff in futures points to a sharp drop at the open.",
		outlet:  "Fortune",
		link:    "https://fortune.com/2025/01/27/marc-andreessen-deepseek-sputnik-ai-markets",
		symbols: []string{"QQQ", "SPY"}},
	{when: "2025-01-27 09:30", id: "market-open",
		title:   "The open: NVDA 124.80, 12.5% below Friday",
		detail:  "Opening prints: NVDA 124.80 (−12.5%), Nasdaq Composite 19,234.04 (−3.6%), S&P 500 5,969.04, SOX 5,007.84.",
		outlet:  "IBKR daily and 5-minute bars (heliar-k/market-base)",
		link:    "https://github.com/heliar-k/market-base",
		symbols: []string{"NVDA", "^IXIC", "^GSPC", "^SOX"},
		quotes:  []quoteFact{px("NVDA", 124.80, -12.5), px("^IXIC", 19234.04, -3.6), px("^GSPC", 5969.04, 0), px("^SOX", 5007.84, 0)}},
	{when: "2025-01-27 10:40", id: "index-highs",
		title:   "Broad indices peak for the day",
		detail:  "QQQ, SPY, the Nasdaq Composite and the S&P 500 make their session highs in the 10:40–10:45 bar, then fade.",
		outlet:  "IBKR 5-minute bars (heliar-k/market-base)",
		link:    "https://github.com/heliar-k/market-base",
		symbols: []string{"QQQ", "SPY", "^IXIC", "^GSPC"}},
	{when: "2025-01-27 10:46:51", id: "janus-pro-release",
		title:   "DeepSeek releases Janus-Pro image models",
		detail:  "The \"add Janus-Pro\" commit publishes Janus-Pro-1B and 7B in the middle of the rout; the technical report follows at 11:43.",
		outlet:  "GitHub (deepseek-ai/Janus)",
		link:    "https://github.com/deepseek-ai/Janus/commit/95bde087baf4d3245214a43d61a99de4df0837b8",
		symbols: []string{"NVDA"}},
	{when: "2025-01-27 11:08", id: "nvda-down-13",
		title:   "Bloomberg: NVDA fell as much as 13% soon after the bell",
		detail:  "About $465B of market value gone early in the session; the S&P 500 was down as much as 2.3% and the Nasdaq 100 3.6%. The time is the article's update stamp (9:38 PM IST), not the moment of the fall.",
		outlet:  "Bloomberg via Business Standard",
		link:    "https://www.business-standard.com/world-news/nvidia-s-465-bn-plunge-triggered-by-deepseek-largest-in-market-history-125012701354_1.html",
		symbols: []string{"NVDA", "^GSPC", "SPY", "QQQ"},
		quotes:  []quoteFact{mv("NVDA", -13, whole).in("", low).atTime("2025-01-27 09:35"), mv("^GSPC", -2.3, tenth).in("", low)}},
	{when: "2025-01-27 11:35", id: "fortune-nvda-15",
		title:   "Fortune: Nvidia fell 15% Monday morning",
		detail:  "Fortune tallies the damage: AVGO down over 19%, the TSM ADR more than 15%, ASML nearly 8%, ORCL roughly 15% intraday. The time is the article's stamp; the text may have been updated later.",
		outlet:  "Fortune",
		link:    "https://fortune.com/2025/01/27/nvidia-deepseek-rout-tech-stocks",
		symbols: []string{"NVDA", "AVGO", "TSM", "ASML", "ORCL"},
		quotes:  []quoteFact{mv("NVDA", -15, whole).in("", report), mv("AVGO", -19.5, whole).in("", report).over(), mv("TSM", -15.5, whole).in("", report).over(), mv("ASML", -7.5, whole).in("", report).under(), mv("ORCL", -15, whole).in("", report)}},
	{when: "2025-01-27", precision: snapshots.PrecisionDate, id: "deepseek-limits-signups",
		title:  "DeepSeek limits new registrations after \"large-scale malicious attacks\"",
		detail: "DeepSeek's status page says it is temporarily limiting sign-ups. No time is given.",
		outlet: "Tech Startups",
		link:   "https://techstartups.com/?p=94046"},
	{when: "2025-01-27", precision: snapshots.PrecisionAfternoon, id: "nvidia-statement",
		title:   "Nvidia: DeepSeek is \"an excellent AI advancement\"",
		detail:  "In a statement to CNBC, Nvidia calls R1 a perfect example of test-time scaling and says inference needs significant numbers of Nvidia GPUs. Only \"afternoon\" is known.",
		outlet:  "CNBC (via newsio.com)",
		link:    "https://newsio.com/?p=163584",
		symbols: []string{"NVDA"}},
	// Placed at 14:50, the end of the 5-minute bar the low fell in: the
	// earliest moment the bars show it (at 14:45 the price had not got
	// there yet). The SOX bottomed in the 14:55 bar, after this moment, so
	// this event does not quote it.
	{when: "2025-01-27 14:50", id: "nvda-low",
		title:   "NVDA hits the day's low, 116.70 (−18.2%)",
		detail:  "Nvidia's low comes in the 14:45–14:50 bar, which closes at this time.",
		outlet:  "IBKR 5-minute bars (heliar-k/market-base)",
		link:    "https://github.com/heliar-k/market-base",
		symbols: []string{"NVDA"},
		quotes:  []quoteFact{px("NVDA", 116.70, -18.2).in("", low)}},
	{when: "2025-01-27 14:54", id: "thestreet-midafternoon",
		title:   "TheStreet: SOX −10.2%, AVGO −18.4%, AMD −7.9%",
		detail:  "The live blog has Broadcom at $199.60 and AMD at $113.14; MSFT is −2.5% and META −0.2%.",
		outlet:  "TheStreet (via inkl)",
		link:    "https://inkl.com/news/stock-market-today-tech-stocks-crash-nvidia-tumbles-on-china-ai-threat",
		symbols: []string{"^SOX", "AVGO", "AMD", "MSFT", "META"},
		quotes:  []quoteFact{mv("^SOX", -10.2, tenth), px("AVGO", 199.60, -18.4), px("AMD", 113.14, -7.9), mv("MSFT", -2.5, tenth), mv("META", -0.2, tenth)}},
	{when: "2025-01-27 16:00", id: "market-close",
		title:   "The close: NVDA 118.42 (−16.97%), the biggest one-day loss of value ever",
		detail:  "Nvidia ends down 16.97% on 818.8M shares, about $593B of market value lost. The Nasdaq falls 3.07% and the S&P 500 1.46% while the Dow gains 0.65%.",
		outlet:  "Reuters closing wrap (stored by investing.com under an earlier headline)",
		link:    "https://au.investing.com/news/stock-market-news/nasdaq-futures-tumble-as-chinas-ai-push-rattles-big-tech-3641785",
		symbols: []string{"NVDA", "^IXIC", "^GSPC", "^SOX"},
		quotes:  []quoteFact{quoteFact{sym: "NVDA", price: 118.42, tol: cent, pct: -16.97, tolPct: cent}, quoteFact{sym: "^IXIC", price: 19341.83, tol: cent, pct: -3.07, tolPct: cent}, quoteFact{sym: "^GSPC", price: 6012.28, tol: cent, pct: -1.46, tolPct: cent}}},
	{when: "2025-01-27 16:50", id: "nvda-after-hours",
		title:   "NVDA at $118.19 after hours",
		detail:  "The after-hours price as of 21:50 GMT sits a little under the official close.",
		outlet:  "MENAFN",
		link:    "https://menafn.com/1109136840/Nvidia-praises-DeepSeeks-AI-model-despite-stock-losses",
		symbols: []string{"NVDA"},
		quotes:  []quoteFact{px("NVDA", 118.19, 0).in(post, "")}},
	{when: "2025-01-27", precision: snapshots.PrecisionEvening, id: "trump-wake-up-call",
		title:   "Trump: DeepSeek \"should be a wake-up call\" for US industry",
		detail:  "At the House Republican retreat at Doral, Trump says US industry must be laser-focused on competing to win, and that it could be very much a positive development. Only \"Monday night\" is known.",
		outlet:  "The Hill",
		link:    "https://au.news.yahoo.com/trump-deepseek-224113253.html",
		symbols: []string{"NVDA"}},
	{when: "2025-01-28", precision: snapshots.PrecisionDate, outcome: true, id: "rebound",
		title:   "Rebound: NVDA +8.9% to 128.99",
		detail:  "Chips recover part of Monday's loss; the Nasdaq gains 2.03% and the S&P 500 0.92%. David Sacks says there is substantial evidence DeepSeek distilled knowledge from OpenAI models.",
		outlet:  "Daily bars; Business Insider",
		link:    "https://bizinsider.org/microsoft-probing-deepseek-tied-group-over-openai-data-gathering-method-report",
		symbols: []string{"NVDA", "^IXIC", "^GSPC", "^SOX"},
		quotes:  []quoteFact{px("NVDA", 128.99, 8.9), mv("^IXIC", 2.03, cent), mv("^GSPC", 0.92, cent)}},
	{when: "2025-01-28", precision: snapshots.PrecisionEvening, id: "distillation-probe",
		title:   "Microsoft and OpenAI look into DeepSeek over distillation",
		detail:  "Bloomberg reports Microsoft is probing whether a DeepSeek-linked group pulled OpenAI data through the API; the FT says OpenAI has evidence of distillation. Reported Tuesday evening or Wednesday, US time.",
		outlet:  "Bloomberg Law",
		link:    "https://news.bloomberglaw.com/ip-law/microsoft-probing-if-deepseek-linked-group-obtained-openai-data",
		symbols: []string{"MSFT"}},
	{when: "2025-01-29", precision: snapshots.PrecisionEvening, id: "msft-meta-results",
		title:   "Microsoft and Meta report December-quarter results",
		detail:  "Both report after the close on Wednesday, in the week of the Fed's first meeting of 2025. NVDA fell 4.1% that day.",
		outlet:  "TheStreet (via inkl)",
		link:    "https://inkl.com/news/stock-market-today-tech-stocks-crash-nvidia-tumbles-on-china-ai-threat",
		symbols: []string{"MSFT", "META", "NVDA"},
		quotes:  []quoteFact{mv("NVDA", -4.1, tenth).atTime("2025-01-29 16:00")}},
	{when: "2025-01-30", precision: snapshots.PrecisionDate, outcome: true, id: "msft-falls-on-results",
		title:   "MSFT −6.2% after its results; META +1.6%",
		detail:  "The day after their results, Microsoft falls 6.18% and Meta gains 1.55%.",
		outlet:  "investing.com price history (an export kept in a GitHub repository)",
		link:    "https://github.com/alexislitos-lab/Multi-Asset-Portfolio-Analytics-System",
		symbols: []string{"MSFT", "META"},
		quotes:  []quoteFact{mv("MSFT", -6.18, cent), mv("META", 1.55, cent)}},
	{when: "2025-01-31", precision: snapshots.PrecisionDate, outcome: true, id: "nvda-week-end",
		title:   "NVDA ends the month at 120.07, about 20% below its record",
		detail:  "Nvidia closes the week down 3.7% on the day, still far below its pre-DeepSeek level.",
		outlet:  "Morning News",
		link:    "https://morningnewss.com/2025/02/how-deepseeks-ai-revolution-rocked.html",
		symbols: []string{"NVDA"},
		quotes:  []quoteFact{px("NVDA", 120.07, -3.7)}},
	{when: "2025-02-26", precision: snapshots.PrecisionEvening, id: "nvidia-results",
		title:   "Nvidia's results: Huang calls R1 \"an excellent innovation\"",
		detail:  "After the close Nvidia reports its fiscal fourth quarter; Huang says DeepSeek R1 has ignited global enthusiasm. The stock falls 8.5% the next day.",
		outlet:  "Laptop Mag",
		link:    "https://www.laptopmag.com/ai/nvidia-jensen-huang-deepseek-earnings",
		symbols: []string{"NVDA"}},
}

// timeline turns eventFacts into events, in time order (ties keep the
// table's order).
func timeline() ([]snapshots.Event, error) {
	loc := snapshots.Location()
	out := make([]snapshots.Event, 0, len(eventFacts))
	for _, f := range eventFacts {
		var t time.Time
		var err error
		switch f.precision {
		case snapshots.PrecisionExact:
			for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04"} {
				if t, err = time.ParseInLocation(layout, f.when, loc); err == nil {
					break
				}
			}
		case snapshots.PrecisionDate, snapshots.PrecisionMorning, snapshots.PrecisionAfternoon, snapshots.PrecisionEvening:
			t, err = time.ParseInLocation("2006-01-02", f.when, loc)
			t = t.Add(time.Duration(precisionHour[f.precision]) * time.Hour)
		default:
			err = fmt.Errorf("unknown precision %q", f.precision)
		}
		if err != nil {
			return nil, fmt.Errorf("event %s: %v", f.id, err)
		}
		e := snapshots.Event{
			Time: t, ID: f.id, Title: f.title, Detail: f.detail, Outlet: f.outlet,
			Link: f.link, Symbols: f.symbols, Precision: f.precision, Outcome: f.outcome, Session: f.session,
		}
		for _, q := range f.quotes {
			if f.outcome && q.at == "" {
				q.at = f.when + " 16:00" // an outcome's figures are the close's
			}
			eq, err := q.quote()
			if err != nil {
				return nil, fmt.Errorf("event %s: %v", f.id, err)
			}
			e.Quotes = append(e.Quotes, eq)
		}
		out = append(out, e)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	return out, nil
}

// precisionHour is the sort-key hour of each partial precision (FORMAT.md).
var precisionHour = map[string]int{
	snapshots.PrecisionDate:      0,
	snapshots.PrecisionMorning:   9,
	snapshots.PrecisionAfternoon: 12,
	snapshots.PrecisionEvening:   18,
}

// quote turns a typed figure into the file's form.
func (q quoteFact) quote() (snapshots.EventQuote, error) {
	eq := snapshots.EventQuote{Symbol: q.sym, Extent: q.extent, Session: q.sess, Bound: q.bound}
	if q.price != 0 {
		p := q.price
		eq.Price, eq.Tolerance = &p, q.tol
	}
	if q.pct != 0 {
		c := q.pct
		eq.ChangePct, eq.TolerancePct = &c, q.tolPct
	}
	if eq.Price == nil && eq.ChangePct == nil {
		return eq, fmt.Errorf("quote for %s gives no figure", q.sym)
	}
	if q.at != "" {
		t, err := time.ParseInLocation("2006-01-02 15:04", q.at, snapshots.Location())
		if err != nil {
			return eq, fmt.Errorf("quote for %s: %v", q.sym, err)
		}
		eq.At = &t
	}
	return eq, nil
}

// Events returns the timeline (a fresh copy).
func Events() ([]snapshots.Event, error) { return timeline() }
