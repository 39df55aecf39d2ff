"""Article pages and listing pages of news sites, as plain functions over HTML.

`extract_article` reads one article page: title, body text, date candidates, author, language,
the links in the body and the posts embedded in it (see `monitor.collect.parsers.embeds`).
A source's `selectors` (from sources.toml) name where each piece is; without one, common page
markup is used instead:

- title: og:title, else the first `<h1>`, else `<title>`; a " - Site" suffix is cut only when
  og:site_name names that site.
- body: `itemprop=articleBody` (microdata or RDFa), else the element whose `<p>` children
  hold the most text, or the `<article>` around it when the article's paragraphs are spread
  over several blocks. JSON-LD articleBody is not used: it is often cut short.
- author: meta name=author, JSON-LD author.name, `a[rel=author]`, then itemprop=author.
- dates: every candidate in priority order (see `Article.date_candidates`), left raw for the
  normalise stage to parse.

Body text keeps paragraphs on lines of their own and leaves out page furniture: navigation,
share buttons, related/"اقرأ أيضًا" blocks, newsletters, ads, comments, tags, breadcrumbs,
author boxes, widgets, hidden elements, the page's `<h1>` (the title) and figure captions.
Captions are left out on purpose: they describe a photo (often an old, "illustrative" one,
with a credit) rather than report the news, and without them a site's copy of a report
compares equal to the same report on the site's Telegram channel or X account. Embedded
posts are taken out of the body and returned as raw items of their own.

Bad markup never raises; an invalid selector (a config error, caught by `check_selector`
when sources.toml is validated) raises ValueError.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.html
import parsel
from cssselect import SelectorError
from lxml import etree
from w3lib.encoding import html_to_unicode

from monitor.collect.parsers.embeds import extract_embeds, is_embed
from monitor.normalize.text import BLOCK_TAGS, html_to_text, normalize_whitespace

# Class/id words of page furniture. "sidebar" and "widget" count only at the start of a class
# name: themes put "has-sidebar" or "elementor-widget-container" on the content's wrappers.
_FURNITURE = re.compile(
    r"(?:^|[\s_-])(?:share|shares|sharing|sharedaddy|addtoany|social|related|relatedposts"
    r"|shariff|newsletter|subscribe|subscription|ad|ads|advert|adverts|advertisement|adsbygoogle"
    r"|sponsored|promo|comment|comments|respond|disqus|tags|tagcloud|breadcrumb|breadcrumbs"
    r"|author-?box|author-?bio|about-?author|nav|navigation|menu|pagination|pager|popup|modal"
    r"|cookie|cookies|gdpr|print|time[-_]to[-_]read|reading-?time|most-?read|most-?popular"
    r"|trending|read-?more|also-?read|prev|previous|next|prev-?next)(?=$|[\s_-])"
    r"|(?:^|\s)(?:sidebar|widget)(?=$|[\s_-])",
    re.IGNORECASE,
)
_SLUG_CLASS = re.compile(r"(?:category|tag)-", re.IGNORECASE)
_HIDDEN_CLASSES = frozenset(
    {"hidden", "hide", "d-none", "u-hide", "hideme", "invisible", "sr-only",
     "screen-reader-text", "visually-hidden", "visuallyhidden"}
)  # fmt: skip
# Inside the body these are never article text; outside it, <header> often holds the date.
_BODY_FURNITURE_TAGS = frozenset({"nav", "aside", "header", "footer", "menu", "h1", "figcaption"})
_PAGE_FURNITURE_TAGS = frozenset({"nav", "aside", "footer", "menu"})
_CAPTION_CLASSES = frozenset({"wp-caption-text", "caption", "image-caption"})
# "Read also" lead-ins: اقرأ أيضًا / أيضاً / أيضا, اقرأ المزيد, مواضيع ذات صلة, Read more,
# Auch interessant, ...
_READ_MORE = re.compile(
    r"^\W*(?:(?:[اإأ]قر[أا]|شاهد|طالع|تابع)\s+(?:[أا]يض(?:\u064b?ا\u064b?)?|المزيد)"
    r"|(?:مواضيع|أخبار|اخبار|مقالات)\s+(?:ذات\s+صلة|متعلقة|مشابهة)"
    r"|(?:read|see)\s+(?:more|also)|related(?:\s+(?:posts?|articles?|stories|news))?"
    r"|auch\s+interessant|lesen\s+sie\s+auch|mehr\s+zum\s+thema)",
    re.IGNORECASE,
)
_SPREAD = 1.25
_TITLE_SEPARATORS = re.compile(r"\s+(?:[-|–—:«»·•]|::)\s+")
_ARTICLE_TYPES = re.compile(r"Article|BlogPosting|Report", re.IGNORECASE)
# Meta-like (name/property/itemprop) keys of publishing dates, after the first three sources.
_MORE_DATE_KEYS = (
    "itemprop:datepublished",
    "property:og:published_time",
    "property:og:article:published_time",
    "property:dc:date",
    "property:dc:created",
    "property:dcterms:created",
    "name:dc.date.issued",
    "name:dc.date",
    "name:dcterms.created",
    "name:date",
    "name:pubdate",
    "name:publishdate",
    "name:publish-date",
    "name:article:published_time",
    "name:sailthru.date",
    "name:parsely-pub-date",
)


def select(sel: parsel.Selector, expr: str) -> parsel.SelectorList[parsel.Selector]:
    """Evaluate a sources.toml selector: XPath when it starts with "/" or "(", else CSS.

    CSS may use parsel's `::text` and `::attr(name)`. Raises ValueError for an invalid one.
    """
    expr = expr.strip()
    try:
        if expr.startswith(("/", "(")):
            return sel.xpath(expr)
        return sel.css(expr)
    except (ValueError, SelectorError) as exc:
        kind = "XPath" if expr.startswith(("/", "(")) else "CSS"
        reason = " ".join(str(exc).split())
        raise ValueError(f"invalid {kind} selector {expr!r}: {reason}") from exc


def check_selector(expr: str) -> str | None:
    """None when `expr` is a usable selector, else a one-line reason."""
    if not expr or not expr.strip():
        return "empty selector"
    try:
        select(parsel.Selector(text="<html><body></body></html>"), expr)
    except ValueError as exc:
        return str(exc)
    return None


@dataclass
class Article:
    """What an article page says, as found on the page."""

    url: str
    title: str | None
    text: str  # plain text body without page furniture or embedded posts
    author: str | None
    # Raw date strings, best first: the `date` selector's datetime/content attribute then its
    # text, meta article:published_time, JSON-LD datePublished, <time datetime> outside page
    # furniture, then itemprop/og/Dublin Core/other meta dates. Each once.
    date_candidates: list[str] = field(default_factory=list)
    lang: str | None = None  # primary language subtag: <html lang>, og:locale, ...
    links: list[str] = field(default_factory=list)  # absolute http(s) hrefs in the body
    embedded: list[dict[str, Any]] = field(default_factory=list)  # raw items, see embeds.py


def extract_article(
    html: str | bytes, url: str, selectors: Mapping[str, str] | None = None
) -> Article:
    """Read an article page. `selectors` may hold `title`, `body`, `date` and `author`."""
    selectors = selectors or {}
    root = _parse(html)
    sel = parsel.Selector(root=root, type="html")
    page = _Page(sel, root)
    # Metadata first: cleaning the body below changes the tree.
    title = _title(page, selectors.get("title"))
    author = _author(page, selectors.get("author"))
    dates = _date_candidates(page, selectors.get("date"))
    parts = _body_parts(page, selectors.get("body"))
    elements = [part for part in parts if not isinstance(part, str)]
    # With no body found, posts embedded anywhere on the page still count.
    scope = _common_ancestor(elements) if elements else root
    embedded = extract_embeds(scope, url)
    for part in parts:
        if not isinstance(part, str):
            _strip_furniture(part)
    texts = (part if isinstance(part, str) else html_to_text(part) for part in parts)
    return Article(
        url=url,
        title=title,
        text="\n\n".join(text for text in texts if text),
        author=author,
        date_candidates=dates,
        lang=_lang(page),
        links=_body_links(parts, _base_url(root, url)),
        embedded=embedded,
    )


def extract_links(html: str | bytes, url: str, selector: str) -> list[str]:
    """Article links on a listing page: absolute, http(s) only, each once, in page order.

    The selector may match the links, elements holding them, or href strings (`::attr(href)`).
    """
    root = _parse(html)
    base = _base_url(root, url)
    matches = select(parsel.Selector(root=root, type="html"), selector)
    found = (_absolute(href, base) for href in _hrefs(matches))
    return _unique(urldefrag(link).url for link in found if link)


def extract_next_page(html: str | bytes, url: str, selector: str | None) -> str | None:
    """The next listing page: the selector's first link, else `<link rel=next>`, `a[rel=next]`
    or WordPress' `a.next.page-numbers`. None when there is none or it points back here."""
    root = _parse(html)
    sel = parsel.Selector(root=root, type="html")
    if selector:
        matches = select(sel, selector)
    else:
        matches = sel.css('link[rel~="next"], a[rel~="next"], a.next.page-numbers')
    base = _base_url(root, url)
    for href in _hrefs(matches):
        link = _absolute(href, base)
        if link and urldefrag(link).url != urldefrag(url).url:
            return link
    return None


# Parsing


def _parse(html: str | bytes) -> lxml.html.HtmlElement:
    """An lxml tree of any input; bytes are decoded as their BOM or <meta> charset says."""
    text = html_to_unicode(None, html)[1] if isinstance(html, bytes) else html
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, huge_tree=True)
    try:
        return lxml.html.document_fromstring(text.encode("utf-8", "replace"), parser=parser)
    except (etree.ParserError, ValueError):  # nothing to parse: an empty document
        return lxml.html.document_fromstring("<html><body></body></html>")


class _Page:
    """Lookups over one document: meta-like values by key, and its JSON-LD objects."""

    def __init__(self, sel: parsel.Selector, root: lxml.html.HtmlElement) -> None:
        self.sel = sel
        self.root = root
        self.properties = _properties(root)
        self.json_ld = _json_ld_objects(root)

    def values(self, *keys: str) -> list[str]:
        return [value for key in keys for value in self.properties.get(key, [])]

    def articles(self) -> list[dict[str, Any]]:
        """JSON-LD objects, those typed as articles first."""
        typed = [obj for obj in self.json_ld if _ARTICLE_TYPES.search(str(obj.get("@type", "")))]
        return typed + [obj for obj in self.json_ld if obj not in typed]


def _properties(root: lxml.html.HtmlElement) -> dict[str, list[str]]:
    """content/datetime values by "name:x", "property:x" (each RDFa term) and "itemprop:x"."""
    found: dict[str, list[str]] = {}
    for element in root.xpath("//*[@content or @datetime]"):
        value = (element.get("content") or element.get("datetime") or "").strip()
        if not value:
            continue
        for attribute in ("name", "property", "itemprop"):
            for term in element.get(attribute, "").lower().split():
                found.setdefault(f"{attribute}:{term}", []).append(value)
    return found


def _json_ld_objects(root: lxml.html.HtmlElement) -> list[dict[str, Any]]:
    objects: list[dict[str, Any]] = []
    for script in root.xpath('//script[contains(@type, "ld+json")]'):
        try:
            data = json.loads(script.text or "", strict=False)
        except ValueError:
            continue  # broken JSON-LD is common; the page's other markup still counts
        objects.extend(_walk_json_ld(data))
    return objects


def _walk_json_ld(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _walk_json_ld(item)
    elif isinstance(data, dict):
        yield data
        yield from _walk_json_ld(data.get("@graph"))


# Title, author, language, dates


def _title(page: _Page, selector: str | None) -> str | None:
    if selector and (selected := _selected_values(page.sel, selector, ("content",))):
        return selected[0]
    candidates = [
        *page.values("property:og:title"),
        *(h1 for h1 in page.root.iter("h1") if not _in_furniture(h1)),
        *page.root.iter("title"),
    ]
    title = next((text for text in map(_one_line, candidates) if text), None)
    site_names = page.values("property:og:site_name")
    return _cut_site_name(title, site_names[0]) if title and site_names else title


def _cut_site_name(title: str, site_name: str) -> str:
    """'Report - Site' -> 'Report', only when the last part names the og:site_name site."""
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    suffix, site = parts[-1].casefold(), site_name.strip().casefold()
    if site and (site in suffix or suffix in site):
        return title[: title.rfind(parts[-1])].rstrip(" -|–—:«»·•")
    return title


def _author(page: _Page, selector: str | None) -> str | None:
    if selector and (selected := _selected_values(page.sel, selector, ("content",))):
        return selected[0]
    candidates = [
        *page.values("name:author"),
        *(_json_ld_author(obj) for obj in page.articles()),
        *(_one_line(match.root) for match in page.sel.css('a[rel~="author"]')),
        *page.values("itemprop:author"),
        *(_one_line(e) for e in page.root.xpath('//*[@itemprop="author"][not(@content)]')),
    ]
    return next((name for name in candidates if name), None)


def _json_ld_author(obj: dict[str, Any]) -> str | None:
    authors = obj.get("author")
    authors = authors if isinstance(authors, list) else [authors]
    names = (a.get("name") if isinstance(a, dict) else a for a in authors)
    return ", ".join(n.strip() for n in names if isinstance(n, str) and n.strip()) or None


def _lang(page: _Page) -> str | None:
    candidates = [
        page.root.get("lang"),
        page.root.get("{http://www.w3.org/XML/1998/namespace}lang"),
        *page.values("property:og:locale", "itemprop:inlanguage"),
        *(m.get("content") for m in page.root.iter("meta") if _is_content_language(m)),
    ]
    for candidate in candidates:
        match = re.match(r"\s*([A-Za-z]{2,3})(?:$|[-_,;\s])", candidate or "")
        if match:
            return match.group(1).lower()
    return None


def _is_content_language(meta: lxml.html.HtmlElement) -> bool:
    http_equiv: str = meta.get("http-equiv", "")
    return http_equiv.lower() == "content-language"


def _date_candidates(page: _Page, selector: str | None) -> list[str]:
    values: list[str] = []
    if selector:
        values += _selected_values(page.sel, selector, ("datetime", "content"))
    values += page.values("property:article:published_time")
    values += [str(obj["datePublished"]) for obj in page.articles() if obj.get("datePublished")]
    values += [t.get("datetime", "") for t in page.root.iter("time") if _is_publishing_time(t)]
    values += page.values(*_MORE_DATE_KEYS)
    return _unique(value.strip() for value in values)


def _is_publishing_time(time: lxml.html.HtmlElement) -> bool:
    """A <time> of the page's own report: not a last-modified one, not in related posts."""
    classes = set(time.get("class", "").lower().split())
    return not classes & {"updated", "modified"} and not _in_furniture(time)


def _selected_values(sel: parsel.Selector, selector: str, attributes: Iterable[str]) -> list[str]:
    """Each match's value: a string match as is, else the first of `attributes`, then its text."""
    values: list[str] = []
    for node in _nodes(select(sel, selector)):
        if not isinstance(node, str):
            values += [node.get(name, "").strip() for name in attributes]
        values.append(_one_line(node))
    return _unique(values)


# Body


def _body_parts(page: _Page, selector: str | None) -> list[lxml.html.HtmlElement | str]:
    """The elements (or, for `::text` selectors, strings) whose text is the article body."""
    parts = _selected_body(page, selector) if selector else []
    if parts:
        return parts
    marked = page.root.xpath('//*[@itemprop="articleBody" or contains(@property, "articleBody")]')
    if marked:
        return [marked[0]]
    article, article_score = _best(_article_scores(page.root))
    block, block_score = _best(_paragraph_scores(page.root))
    # The <article> also holds the byline, the lead photo and such: it is the body only when
    # its paragraphs are spread over several blocks (sections, page-builder widgets).
    if article is not None and article_score > _SPREAD * block_score:
        return [article]
    return [block] if block is not None else []


def _selected_body(page: _Page, selector: str) -> list[lxml.html.HtmlElement | str]:
    parts = _nodes(select(page.sel, selector))
    elements = [part for part in parts if not isinstance(part, str)]
    # A match inside another would repeat its text; one inside an embed is not the article's.
    parts = [p for p in parts if isinstance(p, str) or not _inside_any(p, elements)]
    parts = [p for p in parts if isinstance(p, str) or not _in_embed(p)]
    if len(parts) > 1:  # paragraphs picked one by one: some may be furniture after all
        parts = [p for p in parts if isinstance(p, str) or not _is_unwanted(p)]
    return parts


def _is_unwanted(element: lxml.html.HtmlElement) -> bool:
    return (
        _is_body_furniture(element)
        or _in_furniture(element, _PAGE_FURNITURE_TAGS)
        or _is_read_more(element)
    )


def _best(scores: dict[Any, float]) -> tuple[Any, float]:
    best = max(scores.items(), key=lambda item: item[1], default=(None, 0.0))
    return best if best[1] > 0 else (None, 0.0)


def _article_scores(root: lxml.html.HtmlElement) -> dict[Any, float]:
    """Each <article> outside page furniture, with the text of its own paragraphs."""
    return {
        article: sum(
            _paragraph_length(p)
            for p in article.iter("p")
            if not _in_furniture(p, _PAGE_FURNITURE_TAGS, stop=article)
        )
        for article in root.iter("article")
        if not _in_furniture(article, _PAGE_FURNITURE_TAGS)
    }


def _paragraph_scores(root: lxml.html.HtmlElement) -> dict[Any, float]:
    """Paragraph text by parent, and half of it by grandparent: page builders wrap each
    paragraph in a <div> of its own, and then the grandparent holds the article."""
    scores: dict[Any, float] = {}
    for p in root.iter("p"):
        if _in_furniture(p, _PAGE_FURNITURE_TAGS):
            continue
        length = _paragraph_length(p)
        for weight, ancestor in zip((1.0, 0.5), p.iterancestors(), strict=False):
            if ancestor.tag != "html":
                scores[ancestor] = scores.get(ancestor, 0.0) + weight * length
    return scores


def _paragraph_length(p: lxml.html.HtmlElement) -> int:
    return len(normalize_whitespace(p.text_content()))


def _strip_furniture(container: lxml.html.HtmlElement) -> None:
    """Remove page furniture, hidden elements and "read also" blocks under `container`."""
    doomed = {el for el in container.iterdescendants() if _is_body_furniture(el)}
    doomed.update(_read_more_blocks(container))
    for element in doomed:
        if not _inside_any(element, doomed):
            element.drop_tree()  # keeps the tail text that follows the element


def _is_body_furniture(element: Any) -> bool:
    if not isinstance(element.tag, str):
        return False
    classes = set(element.get("class", "").lower().split())
    return (
        element.tag in _BODY_FURNITURE_TAGS
        or _is_dateline(element)
        or element.get("hidden") is not None
        or bool(classes & (_HIDDEN_CLASSES | _CAPTION_CLASSES))
        or _is_furniture(element)
    )


def _is_dateline(element: lxml.html.HtmlElement) -> bool:
    """A `<time>` that stands alone in its block ("2024-05-11 05:56" above the first
    paragraph) is the page's date, read as a date candidate, not a line of the article; one
    inside a sentence is part of it."""
    if element.tag != "time":
        return False
    parent = element.getparent()
    if parent is None:
        return True
    own = normalize_whitespace(element.text_content())
    return own == normalize_whitespace(parent.text_content()) or not (
        normalize_whitespace(element.tail or "") or normalize_whitespace(_text_before(element))
    )


def _text_before(element: lxml.html.HtmlElement) -> str:
    """The text of its parent that comes before `element`."""
    parent = element.getparent()
    if parent is None:
        return ""
    before = [parent.text or ""]
    for sibling in parent:
        if sibling is element:
            break
        before.append(sibling.text_content() + (sibling.tail or ""))
    return "".join(before)


def _read_more_blocks(container: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The "read also" blocks under `container`, with the list that follows a bare
    "اقرأ أيضًا" heading."""
    blocks = []
    for element in filter(_is_read_more, container.iterdescendants()):
        blocks.append(element)
        following = element.getnext()
        if not element.findall(".//a") and following is not None and _only_links(following):
            blocks.append(following)
    return blocks


def _is_read_more(element: Any) -> bool:
    """A block that only says "اقرأ أيضًا" / "Read more" and links elsewhere."""
    if element.tag not in BLOCK_TAGS or not _READ_MORE.match(element.text_content()):
        return False
    return _only_links(element, _READ_MORE.sub("", html_to_text(element), count=1))


def _only_links(element: lxml.html.HtmlElement, text: str | None = None) -> bool:
    """True when the element's text (or `text`) is nothing but its links' text."""
    rest = html_to_text(element) if text is None else text
    for anchor in element.iter("a"):
        rest = rest.replace(html_to_text(anchor), "", 1)
    return not re.search(r"\w", rest)


def _is_furniture(element: Any) -> bool:
    if element.tag in ("html", "body", "main"):
        return False
    # WordPress classes an article by its category and tag slugs: "category-social-media".
    classes = [c for c in element.get("class", "").split() if not _SLUG_CLASS.match(c)]
    names = " ".join([*classes, element.get("id", "")]).strip()
    return bool(names) and _FURNITURE.search(names) is not None


def _in_furniture(element: Any, tags: frozenset[str] = frozenset(), stop: Any = None) -> bool:
    """True when the element or an ancestor below `stop` (or <body>) is furniture or an embed."""
    for node in (element, *element.iterancestors()):
        if node is stop or node.tag in ("body", "html"):
            return False
        if node.tag in tags or _is_furniture(node) or is_embed(node):
            return True
    return False


def _body_links(parts: list[Any], base: str) -> list[str]:
    hrefs = (a.get("href") for part in parts if not isinstance(part, str) for a in part.iter("a"))
    return _unique(link for link in (_absolute(href, base) for href in hrefs) if link)


# Links and small helpers


def _hrefs(matches: parsel.SelectorList[parsel.Selector]) -> Iterator[str]:
    for node in _nodes(matches):
        if isinstance(node, str):
            yield node
        elif node.get("href"):
            yield node.get("href")
        else:
            yield from (a.get("href") for a in node.iter("a") if a.get("href"))


def _nodes(matches: parsel.SelectorList[parsel.Selector]) -> list[lxml.html.HtmlElement | str]:
    """Elements as they are; attribute, text (and XPath number or boolean) results as strings."""
    return [m.root if isinstance(m.root, etree._Element) else str(m.root) for m in matches]


def _base_url(root: lxml.html.HtmlElement, url: str) -> str:
    base = root.xpath("//base/@href")
    return urljoin(url, base[0].strip()) if base else url


def _absolute(href: str | None, base: str) -> str | None:
    """The absolute http(s) URL of an href, or None (in-page anchors, mailto:, javascript:)."""
    href = (href or "").strip()
    if not href or href.startswith("#"):
        return None
    try:
        link = urljoin(base, href)
        scheme = urlsplit(link).scheme
    except ValueError:  # e.g. a malformed IPv6 host
        return None
    return link if scheme in ("http", "https") else None


def _common_ancestor(elements: list[lxml.html.HtmlElement]) -> lxml.html.HtmlElement:
    first, *others = elements
    for candidate in (first, *first.iterancestors()):
        if all(e is candidate or _inside_any(e, [candidate]) for e in others):
            return candidate
    return first.getroottree().getroot()


def _inside_any(element: Any, others: Collection[Any]) -> bool:
    return any(ancestor in others for ancestor in element.iterancestors())


def _in_embed(element: lxml.html.HtmlElement) -> bool:
    return any(is_embed(node) for node in (element, *element.iterancestors()))


def _one_line(value: lxml.html.HtmlElement | str) -> str:
    """The text of a string or an element, on one line."""
    if not isinstance(value, str):
        # html_to_text skips <title> and <meta> as never post text, but here they are.
        value = html_to_text(value) or value.text_content()
    return " ".join(value.split())


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(value for value in values if value))
