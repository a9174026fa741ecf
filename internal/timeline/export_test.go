package timeline

// Internal parsers, exported for the external tests.
var (
	DayOfURL     = dayOfURL
	SitemapLocs  = sitemapLocs
	WithoutDate  = withoutDate
	TrimOutliers = trimOutliers
	KeepsToDay   = keepsToDay
)
