#!/usr/bin/env python3
"""Renders examples/tools/corpus_articles.py into examples/corpus/ (the files dossier ingests),
examples/labels.tsv (incident of every article) and tests/golden/corpus/*.json (what extraction
must produce for each article, derived from the source paragraphs, not from running dossier).

Run from the repository root: python3 examples/tools/render_corpus.py
"""
import html
import json
import os
import re
import sys
import textwrap
from datetime import datetime, timezone
from email.utils import format_datetime

sys.path.insert(0, os.path.dirname(__file__))
from corpus_articles import ARTICLES, OUTLETS, REPOSTS  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CORPUS = os.path.join(ROOT, "examples", "corpus")
GOLDEN = os.path.join(ROOT, "tests", "golden", "corpus")


def slug(title):
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:70]


def parse_date(s):
    if "T" in s:
        return datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    return datetime.strptime(s, "%Y-%m-%d").replace(tzinfo=timezone.utc)


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def written(dt):
    return dt.strftime("%B %-d, %Y")


def url_for(a):
    host = OUTLETS[a["outlet"]]["host"]
    dt = parse_date(a["date"])
    return f"https://{host}/{dt:%Y/%m}/{slug(a['title'])}"


def e(s):
    return html.escape(s, quote=True)


NAV = ["News", "Threat Intel", "Vulnerabilities", "Ransomware", "Policy", "Podcasts", "Events", "Jobs"]
RELATED = [
    "Weekly roundup: patches you should not skip",
    "Inside the market for initial access brokers",
    "Five questions to ask before buying a SOC service",
    "How sanctions shape the ransomware economy",
]


def ledger_page(a, outlet, url, dt, paras):
    body = []
    for i, p in enumerate(paras):
        body.append(f"      <p>{e(p)}</p>")
        if i == 1:
            body.append("""      <div class="newsletter-signup">
        <h4>Get the Ledger in your inbox</h4>
        <p>Every Friday we send the week's most important security stories, with analysis from our reporters and no spam, ever.</p>
        <form><input type="email" placeholder="you@example.org"><button>Subscribe</button></form>
      </div>""")
    nav = "".join(f'<li><a href="/{slug(n)}">{e(n)}</a></li>' for n in NAV)
    related = "".join(f'<li><a href="/related/{slug(r)}">{e(r)}</a></li>' for r in RELATED)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{e(a['title'])} | {e(outlet['name'])}</title>
  <meta property="og:title" content="{e(a['title'])}">
  <meta property="og:site_name" content="{e(outlet['name'])}">
  <meta property="og:type" content="article">
  <meta property="og:url" content="{e(url)}">
  <meta property="article:published_time" content="{iso(dt)}">
  <meta name="author" content="{e(a['author'])}">
  <link rel="canonical" href="{e(url)}">
  <link rel="stylesheet" href="/static/ledger.css">
  <script>window.dataLayer = window.dataLayer || []; function gtag(){{dataLayer.push(arguments);}}</script>
</head>
<body class="article-page has-sidebar">
  <div class="cookie-banner" id="cookie-consent">
    <p>We use cookies to improve your experience, to analyse traffic and for advertising. By clicking accept you agree to our use of cookies.</p>
    <button>Accept all</button><button>Reject all</button>
  </div>
  <header class="site-header">
    <a class="logo" href="/"><img src="/logo.svg" alt="{e(outlet['name'])}"></a>
    <nav class="main-nav"><ul>{nav}</ul></nav>
    <a href="/login">Sign in</a>
  </header>
  <div class="breadcrumb"><a href="/">Home</a> &rsaquo; <a href="/news">News</a></div>
  <div class="container">
    <article class="story">
      <h1>{e(a['title'])}</h1>
      <div class="byline">By <a href="/authors/{slug(a['author'])}">{e(a['author'])}</a> | {written(dt)}</div>
      <div class="share-buttons"><a href="#">Share on Facebook</a> <a href="#">Share on X</a> <a href="#">Share on LinkedIn</a> <a href="#">Copy link</a></div>
      <div class="article-body">
{chr(10).join(body)}
      </div>
      <div class="author-bio"><p>{e(a['author'])} covers security policy and threat intelligence for {e(outlet['name'])}. Send tips by encrypted mail.</p></div>
      <div class="tags">Tags: <a href="/t/apt">APT</a> <a href="/t/espionage">espionage</a></div>
    </article>
    <aside class="sidebar">
      <h3>Most read</h3>
      <ol>{related}</ol>
    </aside>
  </div>
  <section class="comments" id="comments">
    <h3>3 comments</h3>
    <div class="comment"><p>This is exactly why we moved every mailbox behind hardware keys last year, and nobody regretted it.</p></div>
    <div class="comment"><p>Attribution is politics as much as forensics; I would like to see the evidence before believing any of this.</p></div>
  </section>
  <footer class="site-footer">
    <p>{e(outlet['name'])} is an independent publication covering cybersecurity for practitioners since 2011.</p>
    <ul><li><a href="/about">About us</a></li><li><a href="/privacy">Privacy policy</a></li><li><a href="/contact">Contact</a></li></ul>
    <p>&copy; 2025 {e(outlet['name'])}. All rights reserved.</p>
  </footer>
  <script src="/static/app.js"></script>
</body>
</html>
"""


def packet_page(a, outlet, url, dt, paras):
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": a["title"],
        "datePublished": iso(dt),
        "author": {"@type": "Person", "name": a["author"]},
        "publisher": {"@type": "Organization", "name": outlet["name"]},
        "mainEntityOfPage": url,
    }
    body = []
    for i, p in enumerate(paras):
        body.append(f"        <p>{e(p)}</p>")
        if i == 0:
            body.append('        <figure><img src="/img/lead.jpg" alt=""><figcaption>Illustration: a server room. Photo: Packet Review archive</figcaption></figure>')
            body.append('        <div class="ad-slot advertisement"><span>Advertisement</span></div>')
        if i == 1 and len(paras) > 2:
            body.append(f'        <p class="read-also">Read also: <a href="/related/{slug(RELATED[0])}">{e(RELATED[0])}</a></p>')
    trending = "".join(f'<li><a href="/t/{slug(r)}">{e(r)}</a></li>' for r in RELATED[1:])
    return f"""<!doctype html>
<html lang="en-US">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{e(a['title'])} - {e(outlet['name'])}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<script type="application/ld+json">{json.dumps(ld)}</script>
</head>
<body>
<div id="skip"><a href="#main">Skip to content</a></div>
<nav role="navigation" class="top"><a href="/">Home</a> <a href="/news">News</a> <a href="/analysis">Analysis</a> <a href="/newsletter">Newsletter</a></nav>
<main id="main">
  <article>
    <header><h1>{e(a['title'])}</h1><p class="meta">{e(a['author'])} &middot; {dt:%d %b %Y}</p></header>
    <div class="entry-content">
{chr(10).join(body)}
    </div>
    <ul class="post-tags"><li><a href="/tag/threat-intel">threat intel</a></li><li><a href="/tag/nation-state">nation-state</a></li></ul>
  </article>
  <aside>
    <h2>Trending</h2>
    <ul>{trending}</ul>
    <div class="newsletter"><p>Join 40,000 defenders who read The Packet Review every morning before their first meeting.</p></div>
  </aside>
</main>
<div class="modal popup" aria-hidden="true"><p>Before you go: our annual reader survey takes three minutes and helps us decide what to cover next year.</p></div>
<footer><p>Copyright 2025 {e(outlet['name'])}. Reproduction without permission is prohibited.</p></footer>
</body>
</html>
"""


def sentinel_page(a, outlet, url, dt, paras, charset="utf-8"):
    body = "\n".join(f"<p>{e(p)}</p>" for p in paras)
    rel = "".join(f'<div class="rel-item"><a href="/p/{slug(r)}">{e(r)}</a><span>{dt:%b %d}</span></div>' for r in RELATED)
    author_line = f"<p>By {e(a['author'])}</p>\n" if a.get("author") else ""
    return f"""<html>
<head>
<meta http-equiv="content-type" content="text/html; charset={charset}">
<title>{e(a['title'])} | {e(outlet['name'])}</title>
<meta property="og:site_name" content="{e(outlet['name'])}">
<link rel="canonical" href="{e(url)}">
<style>.post-entry p {{ margin: 0 0 1em }}</style>
</head>
<body>
<div id="page">
<div id="top-bar"><a href="/">Home</a> | <a href="/ransomware">Ransomware</a> | <a href="/breaches">Breaches</a> | <a href="/advisories">Advisories</a> | <a href="/about">About</a></div>
<div id="social-links"><a href="https://x.example/share">Tweet</a> <a href="https://fb.example/share">Share</a> <a href="mailto:?subject=story">Email</a></div>
<div class="main-col">
<h1 class="headline">{e(a['title'])}</h1>
<div class="post-entry">
<time datetime="{iso(dt)}">{written(dt)}</time>
{author_line}{body}
</div>
<div class="rel-posts"><b>Related:</b>{rel}</div>
</div>
<div class="modal newsletter-modal" style="display:none"><p>Never miss a breach: subscribe to the daily digest and get every new incident before your coffee.</p></div>
<div id="footer">{e(outlet['name'])} &copy; 2024 &middot; <a href="/privacy">Privacy</a> &middot; <a href="/terms">Terms</a></div>
</div>
</body>
</html>
"""


def prague_page(a, outlet, url, dt, paras):
    body = "\n".join(f"    <p>{e(p)}</p>" for p in paras)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-2">
<title>{e(a['title'])} :: {e(outlet['name'])}</title>
<meta property="og:title" content="{e(a['title'])}">
<meta property="og:site_name" content="{e(outlet['name'])}">
<meta name="author" content="{e(a['author'])}">
<link rel="canonical" href="{e(url)}">
</head>
<body>
<div class="header"><div class="logo">Prague Wire</div><ul class="menu"><li><a href="/domov">Domov</a></li><li><a href="/politika">Politika</a></li><li><a href="/svet">Svět</a></li></ul></div>
<div class="content">
  <div class="article">
    <h1>{e(a['title'])}</h1>
    <p class="dateline">{written(dt)}</p>
{body}
  </div>
  <div class="sidebar"><h3>Nejčtenější</h3><ul><li><a href="/1">Vláda schválila rozpočet na obranu</a></li><li><a href="/2">Praha rozšíří síť cyklostezek</a></li></ul></div>
</div>
<div class="footer">&copy; Prague Wire, s.r.o.</div>
</body>
</html>
"""


def rss_feed(outlet, items):
    out = [f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>{e(outlet['name'])}</title>
  <link>https://{outlet['host']}/</link>
  <description>Security news from {e(outlet['name'])}</description>
  <language>en-us</language>"""]
    for a, url, dt, paras in items:
        content = "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paras)
        out.append(f"""  <item>
    <title>{e(a['title'])}</title>
    <link>{e(url)}</link>
    <guid isPermaLink="true">{e(url)}</guid>
    <pubDate>{format_datetime(dt, usegmt=True)}</pubDate>
    <dc:creator>{e(a['author'])}</dc:creator>
    <category>Threat Intelligence</category>
    <description>{e(paras[0][:140])}...</description>
    <content:encoded><![CDATA[{content}<p><a href="https://{outlet['host']}/newsletter">Subscribe to our newsletter</a></p>]]></content:encoded>
  </item>""")
    out.append("</channel>\n</rss>\n")
    return "\n".join(out)


def atom_feed(outlet, items):
    latest = max(dt for _, _, dt, _ in items)
    out = [f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title>{e(outlet['name'])}</title>
  <link rel="alternate" href="https://{outlet['host']}/"/>
  <link rel="self" href="https://{outlet['host']}/feed.atom"/>
  <id>tag:{outlet['host']},2024:feed</id>
  <updated>{iso(latest)}</updated>"""]
    for n, (a, url, dt, paras) in enumerate(items):
        if n % 2 == 0:
            content = '<content type="html">' + e("".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paras)) + "</content>"
        else:
            content = ('<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">' +
                       "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paras) + "</div></content>")
        out.append(f"""  <entry>
    <title>{e(a['title'])}</title>
    <link rel="alternate" href="{e(url)}"/>
    <id>{e(url)}</id>
    <published>{iso(dt)}</published>
    <updated>{iso(dt)}</updated>
    <author><name>{e(a['author'])}</name></author>
    <summary>{e(paras[0][:120])}...</summary>
    {content}
  </entry>""")
    out.append("</feed>\n")
    return "\n".join(out)


def front_matter_text(a, outlet, url, dt, paras):
    wrapped = "\n\n".join(textwrap.fill(p, 76) for p in paras)
    return f"""---
title: "{a['title']}"
outlet: {outlet['name']}
url: {url}
author: {a['author']}
date: {iso(dt)}
---

{wrapped}
"""


def header_text(a, outlet, dt, paras):
    return (f"{a['title']}\n\nBy {a['author']}\n{written(dt)}\n\n" + "\n".join(paras) +
            f"\n\nShare this article\n\u00a9 {dt.year} {outlet['name']}\n")


def raw_text(a, outlet, dt, paras):
    return (f"{a['title']}\n{outlet['name']} | {dt.day} {dt:%B %Y}\n\n" + "\n\n".join(paras) +
            "\n\nSubscribe\nHarbor Intel Weekly newsroom\n")


def main():
    os.makedirs(os.path.join(CORPUS, "feeds"), exist_ok=True)
    os.makedirs(GOLDEN, exist_ok=True)
    for d in (CORPUS, GOLDEN):
        for root, _, files in os.walk(d):
            for f in files:
                os.remove(os.path.join(root, f))
    by_key = {a["key"]: a for a in ARTICLES}
    entries = []
    for a in ARTICLES:
        entries.append(dict(a))
    for r in REPOSTS:
        src = by_key[r["of"]]
        b = dict(src)
        b.update(key=r["key"], outlet=r["outlet"], form=r["form"], date=r["date"], title=r["title"],
                 incident=src["incident"], repost_of=src["key"])
        b["paras"] = ([r["lead"]] if r["lead"] else []) + list(src["paras"])
        entries.append(b)

    labels = []
    feeds = {"rss": [], "atom": []}
    for a in entries:
        outlet = OUTLETS[a["outlet"]]
        dt = parse_date(a["date"])
        url = url_for(a)
        paras = a["paras"]
        expected = {"title": a["title"], "outlet": outlet["name"], "published": iso(dt), "author": a.get("author", ""),
                    "url": url, "text": "\n\n".join(paras)}
        form = a["form"]
        path = None
        if form == "html":
            tpl = outlet["template"]
            page = {"ledger": ledger_page, "packet": packet_page, "sentinel": sentinel_page}[tpl](a, outlet, url, dt, paras)
            path = f"{a['key']}.html"
            open(os.path.join(CORPUS, path), "w", encoding="utf-8").write(page)
        elif form == "cp1252":
            page = sentinel_page(a, outlet, url, dt, paras, charset="windows-1252")
            path = f"{a['key']}.html"
            open(os.path.join(CORPUS, path), "wb").write(page.encode("cp1252"))
        elif form == "iso88592":
            page = prague_page(a, outlet, url, dt, paras)
            path = f"{a['key']}.html"
            open(os.path.join(CORPUS, path), "wb").write(page.encode("iso-8859-2"))
            expected["published"] = iso(dt.replace(hour=0, minute=0, second=0))  # only the date line states it
        elif form in ("rss", "atom"):
            feeds[form].append((a, url, dt, paras))
            path = "feeds/" + ("northwind.rss" if form == "rss" else "horizon.atom")
            expected["item_url"] = url
        elif form == "text":
            if a["outlet"] == "patchpost":
                body = front_matter_text(a, outlet, url, dt, paras)
            else:
                body = header_text(a, outlet, dt, paras)
                expected.update(outlet="", url="", published=iso(dt.replace(hour=0, minute=0, second=0)))
            path = f"{a['key']}.txt"
            open(os.path.join(CORPUS, path), "w", encoding="utf-8").write(body)
        elif form == "raw":
            body = raw_text(a, outlet, dt, paras)
            path = f"{a['key']}.txt"
            open(os.path.join(CORPUS, path), "w", encoding="utf-8").write(body)
            expected.update(outlet="", url="", author="", published=iso(dt))
        expected["file"] = "examples/corpus/" + path
        if a.get("repost_of"):
            expected["repost_of"] = a["repost_of"]
        labels.append((expected["url"] or expected["file"], a["incident"], a["key"]))
        with open(os.path.join(GOLDEN, a["key"] + ".json"), "w", encoding="utf-8") as f:
            json.dump(expected, f, ensure_ascii=False, indent=2)
            f.write("\n")
    open(os.path.join(CORPUS, "feeds", "northwind.rss"), "w", encoding="utf-8").write(rss_feed(OUTLETS["northwind"], feeds["rss"]))
    open(os.path.join(CORPUS, "feeds", "horizon.atom"), "w", encoding="utf-8").write(atom_feed(OUTLETS["horizon"], feeds["atom"]))
    with open(os.path.join(ROOT, "examples", "labels.tsv"), "w", encoding="utf-8") as f:
        f.write("# article URL (or file path when the article states no URL)\tincident\tcorpus key\n")
        for ref, inc, key in sorted(labels, key=lambda x: (x[1], x[2])):
            f.write(f"{ref}\t{inc}\t{key}\n")
    print(f"{len(entries)} articles, {len(set(l[1] for l in labels))} incidents, "
          f"{len(set(a['outlet'] for a in entries))} outlets")


if __name__ == "__main__":
    main()
