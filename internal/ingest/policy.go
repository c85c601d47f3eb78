package ingest

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/publicsuffix"

	"github.com/heraldhq/herald/internal/extract"
	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/outbox"
	"github.com/heraldhq/herald/internal/source/feed"
)

// judge says what an article's content asks of its posts, in the words an
// editor reads on the dashboard; the outbox's intake rule turns it into a
// state:
//
//   - skip, when HERALD_EXCLUDE matches its title, a category or its URL;
//   - hold for an editor, when it has no headline (the feed gave none and
//     its page could not be read or had none), when it is marked sponsored
//     or advertising, or
//     when its link leaves the feed's own site for another registrable
//     domain (an ad network's item in the feed) unless
//     HERALD_OFFSITE_LINKS=post.
func (in *Ingester) judge(a *news.Article, it feed.Item, s site) outbox.Judgement {
	if why := in.excluded(a); why != "" {
		return outbox.Judgement{Skip: why}
	}
	var held []string
	if strings.TrimSpace(a.Title) == "" {
		// Neither the feed nor the page gave a headline: the post would be
		// a bare link.
		held = append(held, "no headline: the entry has none and its page gave none")
	}
	if why := sponsored(a, it); why != "" {
		held = append(held, "marked sponsored ("+why+")")
	}
	if !in.PostOffsite {
		if d := domainOf(a.URL); d != "" && !s.owns(d) {
			held = append(held, fmt.Sprintf("the link leaves %s for %s", s.name, d))
		}
	}
	if len(held) > 0 {
		return outbox.Judgement{Hold: "held: " + strings.Join(held, "; ")}
	}
	return outbox.Judgement{}
}

// excluded says why HERALD_EXCLUDE keeps the article from being posted, or "".
func (in *Ingester) excluded(a *news.Article) string {
	if in.Exclude == nil {
		return ""
	}
	const why = "excluded by HERALD_EXCLUDE: "
	if in.Exclude.MatchString(a.Title) {
		return why + "the title matches"
	}
	for _, c := range a.Categories {
		if in.Exclude.MatchString(c) {
			return fmt.Sprintf("%sthe category %q matches", why, c)
		}
	}
	if in.Exclude.MatchString(a.URL) {
		return why + "the link matches"
	}
	return ""
}

// site is the registrable domains a feed's own articles live on.
type site struct {
	name    string // the one named in reasons: the feed's <link>, else the feed URL's
	domains map[string]bool
}

func (s site) owns(domain string) bool { return s.domains[domain] }

// siteOf finds a feed's site: the registrable domain of the feed's <link> and of the feed
// URL, and the domain most of its entries link to (an outlet whose feed names one of its
// domains and links to another, such as bbc.co.uk and bbc.com). An entry of an ad network
// is one among many and never the most.
func siteOf(feedURL string, p *feed.Parsed) site {
	s := site{domains: map[string]bool{}}
	for _, u := range []string{p.Link, feedURL} {
		if d := domainOf(u); d != "" {
			s.domains[d] = true
			if s.name == "" {
				s.name = d
			}
		}
	}
	count := map[string]int{}
	for _, it := range p.Items {
		if d := domainOf(it.Link); d != "" {
			count[d]++
		}
	}
	for d, n := range count {
		if n >= 2 && n*2 > len(p.Items) {
			s.domains[d] = true
		}
	}
	if s.name == "" {
		s.name = "the feed's site"
	}
	return s
}

// domainOf is the registrable domain of a URL's host ("lender-ads.com" for
// "https://trk.lender-ads.com/c?id=1"), by the public suffix list: "bbc.co.uk", not
// "co.uk". A host that has none (an IP address, "localhost") is its own.
func domainOf(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return ""
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if host == "" {
		return ""
	}
	if net.ParseIP(host) != nil {
		return host
	}
	d, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		return host
	}
	return d
}

// Sponsored content is marked by the outlet, in one of a few places: a category, a label
// before the title or text, an opening sentence that says so, or a section of the site.
var (
	// sponsoredCategories are categories and labels that mark paid content, lower case.
	sponsoredCategories = map[string]bool{
		"sponsored": true, "sponsored content": true, "sponsored post": true, "sponsored article": true,
		"paid post": true, "paid content": true, "paid partnership": true, "partner content": true,
		"branded content": true, "brand content": true, "advertorial": true, "advertisement": true, "promoted": true,
		"anzeige": true, "gesponsert": true, "sponsored by": true, "publicidad": true, "publirreportaje": true,
		"contenido patrocinado": true, "patrocinado": true, "contenido de marca": true, "publicité": true,
		"publireportage": true, "publi-reportage": true, "contenu sponsorisé": true, "contenu de marque": true,
		"conteúdo patrocinado": true, "publicidade": true, "publieditorial": true, "pubblicità": true,
		"contenuto sponsorizzato": true, "publiredazionale": true, "informazione pubblicitaria": true,
		"реклама": true, "на правах рекламы": true, "партнерский материал": true, "на правах реклами": true,
		"партнерський матеріал": true, "إعلان": true, "محتوى ممول": true, "محتوى مدفوع": true,
		"广告": true, "推广": true, "赞助内容": true,
	}
	// sponsoredOpening is a label or sentence that opens a title or text and marks it as
	// paid for: "Sponsored: …", "[Anzeige] …", "Publicidad | …", "This is a sponsored
	// article on behalf of …", "In partnership with …", "Contenido patrocinado por …".
	sponsoredOpening = regexp.MustCompile(`(?i)^[\[(【«"“]?\s*(?:` +
		`(?:sponsored|advertorial|advertisement|paid post|partner content|branded content|anzeige|gesponsert|publicidad|publirreportaje|` +
		`contenido patrocinado|publicité|publireportage|contenu sponsorisé|conteúdo patrocinado|publicidade|publieditorial|` +
		`pubblicità|contenuto sponsorizzato|informazione pubblicitaria|реклама|на правах рекламы|партнерский материал|` +
		`на правах реклами|партнерський матеріал|إعلان|محتوى ممول|محتوى مدفوع|广告|推广)` +
		`\s*(?:[:：|\]】)»”"–—.-]|\s(?:by|von|de|por|par|di|da|от|від)\s|$)|` +
		`(?:this|the following)\s+(?:is\s+an?\s+|(?:article|post|story|content|feature|piece)\s+(?:is|was)\s+(?:an?\s+)?)?(?:sponsored|paid|paid-for|advertising|promotional)\b|` +
		`(?:an?\s+)?(?:sponsored|paid)\s+(?:article|post|story|content|feature)\b|` +
		`(?:(?:this\s+(?:article|content|story|post|series)\s+(?:is|was)\s+)?(?:produced|created|brought to you|presented)\s+)?in\s+partnership\s+with\b|` +
		`(?:brought to you|presented) by\b|` +
		`en partenariat avec\b|contenido patrocinado por\b|contenuto sponsorizzato da\b|conteúdo patrocinado por\b)`)
	// sponsoredPath is a section of a site that holds paid content.
	sponsoredPath = regexp.MustCompile(`(?i)/(?:sponsored(?:-content|-post)?|advertorial|anzeige|publicidad|publirreportaje|publireportage|` +
		`partner-content|paid-post|paidpost|brandcontent|brand-content|branded-content|contenido-patrocinado|contenuto-sponsorizzato|conteudo-patrocinado)(?:/|-|$)`)
)

// sponsored says how the outlet marked an article as paid content, or "".
func sponsored(a *news.Article, it feed.Item) string {
	for _, c := range a.Categories {
		if sponsoredCategories[strings.ToLower(strings.TrimSpace(c))] {
			return fmt.Sprintf("category %q", strings.TrimSpace(c))
		}
	}
	for _, t := range []string{a.Title, opening(it.Content), opening(it.Description), opening(it.MediaDescription)} {
		if m := sponsoredOpening.FindString(t); m != "" {
			return fmt.Sprintf("it opens with %q", strings.Trim(strings.TrimSpace(m), "[(【«\"“:：|]】)»”–—-. "))
		}
	}
	if u, err := url.Parse(a.URL); err == nil && sponsoredPath.MatchString(u.Path) {
		return "the link is in a sponsored section"
	}
	return ""
}

// opening is the start of a feed field as plain text: where a label or disclosure stands.
func opening(field string) string {
	if len(field) > 2000 {
		field = field[:2000]
	}
	t := extract.Text(field)
	if len(t) > 300 {
		t = strings.ToValidUTF8(t[:300], "")
	}
	return t
}

// redirectors are the hosts of feed services' tracking redirects: an article behind one
// is read from its page, so that what is posted and keyed on is the page's own address.
var redirectors = map[string]bool{
	"feeds.feedburner.com": true, "feedproxy.google.com": true, "feeds.feedblitz.com": true,
}

func behindRedirect(link string) bool {
	u, err := url.Parse(link)
	return err == nil && redirectors[strings.ToLower(u.Hostname())]
}
