package links

import (
	"fmt"
	"net/mail"
	"net/url"
	"strings"
)

// mailtoProblem describes what is wrong with a mailto: link, or returns ""
// if it is well formed (RFC 6068: comma-separated addresses, then optional
// headers after "?").
func mailtoProblem(href string) string {
	rest := href[len("mailto:"):]
	addrs, query, _ := strings.Cut(rest, "?")
	if query != "" {
		if _, err := url.ParseQuery(query); err != nil {
			return fmt.Sprintf("malformed headers %q", query)
		}
	}
	if strings.TrimSpace(addrs) == "" {
		if q, err := url.ParseQuery(query); err == nil && q.Get("to") != "" {
			addrs = q.Get("to")
		} else {
			return "no address"
		}
	}
	dec, err := url.PathUnescape(addrs)
	if err != nil {
		return fmt.Sprintf("bad percent-encoding in %q", addrs)
	}
	for _, a := range strings.Split(dec, ",") {
		a = strings.TrimSpace(a)
		m, err := mail.ParseAddress(a)
		if err != nil || m.Name != "" || !strings.Contains(m.Address, "@") {
			return fmt.Sprintf("%q is not an e-mail address", a)
		}
		_, domain, _ := strings.Cut(m.Address, "@")
		if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
			return fmt.Sprintf("%q has no valid domain", a)
		}
	}
	return ""
}

// telProblem describes what is wrong with a tel: link, or returns "" if it
// is well formed (RFC 3966: digits with visual separators, an optional
// leading "+", optional ";" parameters).
func telProblem(href string) string {
	num := href[len("tel:"):]
	if d, err := url.PathUnescape(num); err == nil {
		num = d
	}
	num, _, _ = strings.Cut(num, ";")
	num = strings.TrimSpace(num)
	if num == "" {
		return "no number"
	}
	digits := 0
	for i, r := range num {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0:
		case r == '-' || r == '.' || r == '(' || r == ')' || r == ' ':
		default:
			return fmt.Sprintf("%q is not a phone number (character %q)", num, r)
		}
	}
	if digits < 3 {
		return fmt.Sprintf("%q has too few digits", num)
	}
	if digits > 15 && strings.HasPrefix(num, "+") {
		return fmt.Sprintf("%q has more digits than an international number can (15)", num)
	}
	return ""
}
