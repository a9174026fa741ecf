package archive

// PageKind classifies a page by its role on the portal.
type PageKind string

// The kinds of page the extractor recognises.
const (
	KindArticle    PageKind = "article"
	KindListing    PageKind = "listing"
	KindDayArchive PageKind = "day-archive"
	KindCalendar   PageKind = "calendar"
	KindHome       PageKind = "home"
	KindOther      PageKind = "other"
)

// Date is a date found on a page, as printed there (the local date, not
// converted to UTC), with the evidence it came from.
type Date struct {
	Value  string `json:"value" expr:"value"`   // YYYY-MM-DD, or "" if none
	Time   string `json:"time" expr:"time"`     // HH:MM if printed, else ""
	Text   string `json:"text" expr:"text"`     // the text as printed
	Source string `json:"source" expr:"source"` // json-ld, meta, time, visible, dateline, url
}

// Dateline is the "MINSK, 3 April (BelTA) - " opening of a wire story.
type Dateline struct {
	Raw      string `json:"raw" expr:"raw"`             // the dateline as printed
	Place    string `json:"place" expr:"place"`         // MINSK
	DateText string `json:"date_text" expr:"date_text"` // 3 April
	Date     string `json:"date" expr:"date"`           // MM-DD resolved against the page year as YYYY-MM-DD, "" if unknown
	Agency   string `json:"agency" expr:"agency"`       // BelTA
	Dash     string `json:"dash" expr:"dash"`           // the separator used: "-", "–", "—", "/."
}

// Image is an image in the main content, with its credit if one is bound to it.
type Image struct {
	Src          string `json:"src" expr:"src"`
	Alt          string `json:"alt" expr:"alt"`
	Caption      string `json:"caption" expr:"caption"`
	Credit       string `json:"credit" expr:"credit"`               // the credited name, "" if none
	CreditText   string `json:"credit_text" expr:"credit_text"`     // the credit as printed ("Photo by sectsco.org")
	CreditSource string `json:"credit_source" expr:"credit_source"` // caption, alt, figcaption, gallery, json-ld
}

// Credit is a photo or video credit found on the page.
type Credit struct {
	Kind  string `json:"kind" expr:"kind"`   // photo, video
	Name  string `json:"name" expr:"name"`   // sectsco.org
	Text  string `json:"text" expr:"text"`   // Photo by sectsco.org
	Image string `json:"image" expr:"image"` // Src of the image it belongs to, "" if unbound
}

// Crumb is one step of a breadcrumb trail.
type Crumb struct {
	Text string `json:"text" expr:"text"`
	URL  string `json:"url" expr:"url"`
}

// CalendarDay is one day cell of an archive calendar.
type CalendarDay struct {
	Day    int    `json:"day" expr:"day"`
	Date   string `json:"date" expr:"date"` // YYYY-MM-DD
	URL    string `json:"url" expr:"url"`   // "" if the day is not linked
	Linked bool   `json:"linked" expr:"linked"`
}

// Calendar is an archive calendar widget.
type Calendar struct {
	Month string        `json:"month" expr:"month"` // YYYY-MM
	Days  []CalendarDay `json:"days" expr:"days"`
	Prev  string        `json:"prev" expr:"prev"`
	Next  string        `json:"next" expr:"next"`
}

// LinkPlace says where on a page a link stands.
type LinkPlace string

// The places a link can stand in.
const (
	PlaceMenu       LinkPlace = "menu"
	PlaceBreadcrumb LinkPlace = "breadcrumb"
	PlaceBody       LinkPlace = "body"
	PlaceFooter     LinkPlace = "footer"
	PlaceCalendar   LinkPlace = "calendar"
	PlacePagination LinkPlace = "pagination"
	PlaceHead       LinkPlace = "head"
	PlaceOther      LinkPlace = "other"
)

// Link is one link on a page.
type Link struct {
	Href  string    `json:"href" expr:"href"`   // the attribute value as written
	URL   string    `json:"url" expr:"url"`     // resolved absolute URL, "" if Href is not a valid URL
	Text  string    `json:"text" expr:"text"`   // anchor text (or alt text of a linked image)
	Place LinkPlace `json:"place" expr:"place"` // where it stands
	Attr  string    `json:"attr" expr:"attr"`   // href, src, onclick
	Tag   string    `json:"tag" expr:"tag"`     // a, link, img, script, iframe, area
	Rel   string    `json:"rel" expr:"rel"`
	Raw   string    `json:"raw,omitempty" expr:"raw"`     // the whole attribute when the target was read out of it (onclick)
	Issue string    `json:"issue,omitempty" expr:"issue"` // empty-href, javascript, malformed, onclick, fragment, … ("" if none)
}

// Page is the structure extracted from one capture. Pages are derived data:
// they can always be rebuilt from the capture's bytes, and ExtractorVersion
// says which extractor produced them.
type Page struct {
	CaptureID        int64  `json:"capture_id" expr:"capture_id"`
	URL              string `json:"url" expr:"url"`
	CanonicalURL     string `json:"canonical_url" expr:"canonical_url"` // from <link rel=canonical>, "" if none
	ExtractorVersion string `json:"extractor_version" expr:"extractor_version"`

	Kind         PageKind `json:"kind" expr:"kind"`
	KindEvidence string   `json:"kind_evidence" expr:"kind_evidence"`
	Lang         string   `json:"lang" expr:"lang"`                   // from <html lang>, "" if absent
	DetectedLang string   `json:"detected_lang" expr:"detected_lang"` // from the text: en, ru, be, …
	Charset      string   `json:"charset" expr:"charset"`             // the charset used to decode
	CharsetFrom  string   `json:"charset_from" expr:"charset_from"`   // bom, header, meta, sniff, default
	CharsetNote  string   `json:"charset_note" expr:"charset_note"`   // a wrong or conflicting declaration, described

	Title            string   `json:"title" expr:"title"` // <title> as written
	Headline         string   `json:"headline" expr:"headline"`
	HeadlineEvidence string   `json:"headline_evidence" expr:"headline_evidence"`
	Published        Date     `json:"published" expr:"published"`
	Modified         Date     `json:"modified" expr:"modified"`
	Dateline         Dateline `json:"dateline" expr:"dateline"`
	Source           string   `json:"source" expr:"source"`   // agency or issuing organisation
	Authors          []string `json:"authors" expr:"authors"` // persons only
	SourceEvidence   string   `json:"source_evidence" expr:"source_evidence"`
	AuthorEvidence   string   `json:"author_evidence" expr:"author_evidence"`

	Images      []Image   `json:"images" expr:"images"`
	Credits     []Credit  `json:"credits" expr:"credits"`
	Breadcrumbs []Crumb   `json:"breadcrumbs" expr:"breadcrumbs"`
	Menu        []Link    `json:"menu" expr:"menu"`
	Calendar    *Calendar `json:"calendar,omitempty" expr:"calendar"`
	Pagination  []string  `json:"pagination" expr:"pagination"`

	Body      string   `json:"body" expr:"body"`
	WordCount int      `json:"word_count" expr:"word_count"`
	Links     []Link   `json:"links" expr:"links"`
	IDs       []string `json:"ids" expr:"ids"` // element ids and <a name>, for fragment checks

	Warnings []string `json:"warnings" expr:"warnings"` // pathological input, recorded

	// CharsetHeader and CharsetMeta are the charsets the Content-Type
	// header and a <meta> tag declare, by canonical name ("utf-8",
	// "windows-1251"; a label no decoder knows lower case as written), ""
	// where none is declared.
	CharsetHeader string `json:"charset_header,omitempty" expr:"charset_header"`
	CharsetMeta   string `json:"charset_meta,omitempty" expr:"charset_meta"`
	// H1Count is how many <h1> elements the page has.
	H1Count int `json:"h1_count" expr:"h1_count"`
	// EmptyByline is a byline printed with no name after its label
	// ("Written by:"), as printed; "" if none.
	EmptyByline string `json:"empty_byline,omitempty" expr:"empty_byline"`
}
