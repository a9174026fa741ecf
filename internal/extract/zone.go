package extract

import (
	"regexp"
	"strings"
	"time"

	"golang.org/x/net/html"
)

// reUTCValue matches a date-time value stated in UTC: "…T22:04:00Z",
// "…T06:35:29+00:00", "… 10:00 GMT".
var reUTCValue = regexp.MustCompile(`(?i)[t\s]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:z|[+-]00:?00|utc|gmt)\s*$`)

// zoneRule is a region's standard offset from UTC and its daylight saving
// rule.
type zoneRule struct {
	std int    // minutes east of UTC
	dst string // "eu", "us" or "" (none)
}

// zoneByRegion maps country codes (from a top-level domain or a language
// tag's region) to the offset of most of their newsrooms.
var zoneByRegion = map[string]zoneRule{
	"de": {60, "eu"}, "at": {60, "eu"}, "ch": {60, "eu"}, "fr": {60, "eu"}, "it": {60, "eu"}, "es": {60, "eu"},
	"nl": {60, "eu"}, "be": {60, "eu"}, "lu": {60, "eu"}, "pl": {60, "eu"}, "cz": {60, "eu"}, "sk": {60, "eu"},
	"hu": {60, "eu"}, "si": {60, "eu"}, "hr": {60, "eu"}, "rs": {60, "eu"}, "se": {60, "eu"}, "no": {60, "eu"},
	"dk": {60, "eu"}, "ba": {60, "eu"}, "mk": {60, "eu"}, "al": {60, "eu"}, "me": {60, "eu"}, "li": {60, "eu"},
	"uk": {0, "eu"}, "gb": {0, "eu"}, "ie": {0, "eu"}, "pt": {0, "eu"},
	"fi": {120, "eu"}, "ee": {120, "eu"}, "lv": {120, "eu"}, "lt": {120, "eu"}, "ro": {120, "eu"}, "bg": {120, "eu"},
	"gr": {120, "eu"}, "ua": {120, "eu"}, "md": {120, "eu"}, "cy": {120, "eu"},
	"by": {180, ""}, "ru": {180, ""}, "tr": {180, ""}, "kz": {300, ""}, "uz": {300, ""}, "az": {240, ""}, "am": {240, ""},
	"ge": {240, ""}, "tj": {300, ""}, "kg": {360, ""},
	"in": {330, ""}, "cn": {480, ""}, "hk": {480, ""}, "sg": {480, ""}, "jp": {540, ""}, "kr": {540, ""},
	"au": {600, ""}, "nz": {720, ""},
	"us": {-300, "us"}, "ca": {-300, "us"},
}

// langZone maps a bare language to a region when no region is given.
var langZone = map[string]string{
	"de": "de", "fr": "fr", "it": "it", "es": "es", "nl": "nl", "pl": "pl", "cs": "cz", "sk": "sk", "hu": "hu",
	"sv": "se", "da": "dk", "nb": "no", "fi": "fi", "et": "ee", "lv": "lv", "lt": "lt", "ro": "ro", "bg": "bg",
	"el": "gr", "uk": "ua", "be": "by", "ru": "ru", "tr": "tr", "ja": "jp", "ko": "kr", "zh": "cn", "pt": "pt",
}

// localOffset guesses the UTC offset, in minutes, of the newsroom that
// published a page, from the region of its language tags and its top-level
// domain, at the instant t. It reports false when there is no clue.
func (d *doc) localOffset(t time.Time) (int, bool) {
	region := ""
	for _, tag := range []string{d.metaFirst("og:locale"), d.rawLang()} {
		tag = strings.ToLower(strings.ReplaceAll(tag, "_", "-"))
		if i := strings.IndexByte(tag, '-'); i >= 0 && len(tag) >= i+3 {
			region = tag[i+1 : i+3]
			break
		}
	}
	if region == "" && d.host != "" {
		tld := d.host[strings.LastIndexByte(d.host, '.')+1:]
		if _, ok := zoneByRegion[tld]; ok {
			region = tld
		} else if tld == "com" || tld == "org" || tld == "net" || tld == "edu" || tld == "gov" {
			switch lang := d.page.Lang; {
			case lang == "en" || (lang == "" && (tld == "edu" || tld == "gov")):
				region = "us"
			default:
				region = langZone[lang]
			}
		}
	}
	if region == "" {
		region = langZone[d.page.Lang]
	}
	rule, ok := zoneByRegion[region]
	if !ok {
		return 0, false
	}
	off := rule.std
	switch rule.dst {
	case "eu":
		if inEUSummerTime(t) {
			off += 60
		}
	case "us":
		if inUSSummerTime(t) {
			off += 60
		}
	}
	return off, true
}

// rawLang is the <html lang> attribute as written (with its region).
func (d *doc) rawLang() string {
	for c := d.root.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.Data == "html" {
			return attr(c, "lang")
		}
	}
	return ""
}

// inEUSummerTime: from 01:00 UTC on the last Sunday of March to 01:00 UTC
// on the last Sunday of October.
func inEUSummerTime(t time.Time) bool {
	y := t.Year()
	start := lastSunday(y, time.March).Add(time.Hour)
	end := lastSunday(y, time.October).Add(time.Hour)
	return !t.Before(start) && t.Before(end)
}

// inUSSummerTime: from the second Sunday of March to the first Sunday of
// November, at 07:00 UTC (02:00 Eastern).
func inUSSummerTime(t time.Time) bool {
	y := t.Year()
	start := nthSunday(y, time.March, 2).Add(7 * time.Hour)
	end := nthSunday(y, time.November, 1).Add(6 * time.Hour)
	return !t.Before(start) && t.Before(end)
}

func lastSunday(y int, m time.Month) time.Time {
	t := time.Date(y, m+1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
	for t.Weekday() != time.Sunday {
		t = t.AddDate(0, 0, -1)
	}
	return t
}

func nthSunday(y int, m time.Month, n int) time.Time {
	t := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	for t.Weekday() != time.Sunday {
		t = t.AddDate(0, 0, 1)
	}
	return t.AddDate(0, 0, 7*(n-1))
}
