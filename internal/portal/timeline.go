package portal

import "time"

// fate is what the days up to the portal's Day did to one article.
type fate struct {
	editDay       int
	editWhat      string // "headline" or "body"
	correctDay    int
	removedDay    int
	removedStatus int // 404, 410 or 301 (to the home page)
	orphanDay     int
}

// fateKey is the key of an article in Portal.fates.
func fateKey(lang, i int) int64 { return int64(lang)<<32 | int64(i) }

// planDays decides, deterministically from the seed, what happens on each
// day 1..Day in each language: two new articles, one silent edit, one
// correction, one removal and one orphan. Articles of the first profile
// cycle (which carry the one-of-a-kind pages) are never touched, and no
// article is touched twice.
func (p *Portal) planDays() {
	p.fates = map[int64]fate{}
	for d := 1; d <= p.cfg.Day; d++ {
		date := isoDate(baseDate.AddDate(0, 0, d))
		pool := p.cfg.Articles + (d-1)*perDay
		for lang := range langs {
			for k := 0; k < perDay; k++ {
				i := pool + k
				p.changes = append(p.changes, Change{Day: d, Date: date, Kind: ChangePublished, URL: p.path(lang, i)})
			}
			kinds := [...]ChangeKind{ChangeEdited, ChangeCorrected, ChangeRemoved, ChangeOrphaned}
			for n, kind := range kinds {
				i, ok := p.pickVictim(lang, d, n, pool)
				if !ok {
					continue
				}
				f := p.fates[fateKey(lang, i)]
				c := Change{Day: d, Date: date, Kind: kind, URL: p.path(lang, i)}
				switch kind {
				case ChangeEdited:
					f.editDay, f.editWhat = d, "body"
					if d%2 == 0 {
						f.editWhat = "headline"
					}
					c.What = f.editWhat
				case ChangeCorrected:
					f.correctDay = d
				case ChangeRemoved:
					f.removedDay = d
					f.removedStatus = [...]int{404, 410, 301}[d%3]
					c.Status = f.removedStatus
				case ChangeOrphaned:
					f.orphanDay = d
				}
				p.fates[fateKey(lang, i)] = f
				p.changes = append(p.changes, c)
			}
		}
	}
}

// pickVictim chooses an untouched article index in [slots, pool), never
// one of a duplicate-headline pair.
func (p *Portal) pickVictim(lang, day, kind, pool int) (int, bool) {
	n := pool - slots
	if n <= 0 {
		return 0, false
	}
	start := int(p.hash(uint64(lang), uint64(day), uint64(kind), 31) % uint64(n))
	for k := 0; k < n; k++ {
		i := slots + (start+k)%n
		if s := p.slotOf(lang, i); s == slotFutureDate || s == slotDuplicateHeadline {
			continue // keep the duplicate-headline pairs intact
		}
		if _, used := p.fates[fateKey(lang, i)]; !used {
			return i, true
		}
	}
	return 0, false
}

// visible reports whether article i is listed (in listings, day archives,
// feeds and the sitemap): it exists, is not removed and is not orphaned.
func (p *Portal) visible(lang, i int) bool {
	if i < 0 || i >= p.total() {
		return false
	}
	f, ok := p.fates[fateKey(lang, i)]
	return !ok || (f.removedStatus == 0 && f.orphanDay == 0)
}

// served reports whether article i answers 200 (it may be orphaned).
func (p *Portal) served(lang, i int) bool {
	return i >= 0 && i < p.total() && p.fates[fateKey(lang, i)].removedStatus == 0
}

// dayDate returns the date of day d.
func dayDate(d int) time.Time { return baseDate.AddDate(0, 0, d) }
