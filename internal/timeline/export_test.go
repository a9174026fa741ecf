package timeline

// Internal parsers, exported for the external tests.
var (
	DayOfURL     = dayOfURL
	WithoutDate  = withoutDate
	TrimOutliers = trimOutliers
	KeepsToDay   = keepsToDay
)
