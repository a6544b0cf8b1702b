#!/usr/bin/env python3
"""Generate the HTML main-content evaluation set: pages whose main content is known.

    python3 tests/html-eval/gen.py tests/html-eval

writes pages/TYPE-NN.html and expected/TYPE-NN.txt (UTF-8). The main content is real text from
Debian packages (sources.py: man pages in English and other languages, package descriptions,
fortunes); the rest of each page imitates what sites wrap around it: menus, site headers,
breadcrumbs, footers, cookie banners, share buttons, newsletter boxes, ads, sidebars, related
articles, comment threads, reviews, tables of contents, prev/next links, infoboxes. The
expected text is what a reader would call the page's content: the title (its <h1>), standfirst,
headings, paragraphs, lists (one item a line), tables (cells tab-separated, rows a line) and
code; for forums every post, for Q&A the question and every answer; never bylines, dates,
comments, reviews, user cards, votes or teasers. Deterministic: one seed, sorted sources.
"""
import html
import os
import random
import sys

import sources

SEED = 20261203
TYPES = ["news", "blog", "docs", "forum", "qa", "product", "wiki", "divsoup", "multi", "hard"]
PER_TYPE = 10

MENU = {
    "en": ["Home", "News", "World", "Business", "Technology", "Science", "Sport", "Culture",
           "Opinion", "About us", "Contact", "Subscribe", "Log in", "Archive", "Podcasts"],
    "de": ["Startseite", "Nachrichten", "Politik", "Wirtschaft", "Technik", "Wissen", "Kultur",
           "Sport", "Kontakt", "Impressum", "Anmelden", "Archiv"],
    "fr": ["Accueil", "Actualités", "Politique", "Économie", "Sciences", "Culture", "Sport",
           "Contact", "Mentions légales", "Se connecter", "Archives"],
    "es": ["Inicio", "Noticias", "Política", "Economía", "Ciencia", "Cultura", "Deportes",
           "Contacto", "Aviso legal", "Iniciar sesión"],
    "ru": ["Главная", "Новости", "Политика", "Экономика", "Наука", "Культура", "Спорт",
           "Контакты", "Войти", "Архив"],
    "zh_CN": ["首页", "新闻", "国内", "国际", "财经", "科技", "体育", "文化", "联系我们", "登录"],
    "ja": ["ホーム", "ニュース", "政治", "経済", "科学", "文化", "スポーツ", "お問い合わせ", "ログイン"],
    "pl": ["Strona główna", "Wiadomości", "Polityka", "Gospodarka", "Nauka", "Kultura", "Sport",
           "Kontakt", "Zaloguj się"],
    "ko": ["홈", "뉴스", "정치", "경제", "과학", "문화", "스포츠", "문의", "로그인"],
    "it": ["Home", "Notizie", "Politica", "Economia", "Scienza", "Cultura", "Sport", "Contatti",
           "Accedi"],
    "cs": ["Domů", "Zprávy", "Politika", "Ekonomika", "Věda", "Kultura", "Sport", "Kontakt",
           "Přihlásit"],
    "uk": ["Головна", "Новини", "Політика", "Економіка", "Наука", "Культура", "Спорт", "Контакти"],
}
BOILER = {
    "cookie": "We use cookies and similar technologies to improve your experience, measure "
              "audiences and show you personalised advertising. By clicking Accept you agree to "
              "this; you can change your choice at any time under Cookie settings.",
    "newsletter": "Get the best of our journalism delivered to your inbox every morning. Sign up "
                  "for the daily briefing, it is free and you can unsubscribe at any time.",
    "footer": "\u00a9 2026 Northwind Media Group. All rights reserved. Reproduction in whole or in "
              "part without permission is prohibited. Registered office: 12 Harbour Street.",
    "ad": "Advertisement",
    "about": "I write about free software, old computers and the craft of programming. This blog "
             "has been running since 2009 and is hosted on a small server in my closet.",
}
NAMES = ["alice", "bob_k", "carol.dev", "dmitri", "eve42", "frank", "grace_h", "heidi", "ivan",
         "judy", "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor"]


def esc(s):
    return html.escape(s, quote=True)


class Page:
    """The main content as blocks, rendered both as HTML and as the expected text."""

    def __init__(self, rng, lang="en"):
        self.rng, self.lang, self.blocks = rng, lang, []

    def add(self, kind, val):
        self.blocks.append((kind, val))

    def expected(self):
        out = []
        for k, v in self.blocks:
            if k in ("ul", "ol"):
                out.append("\n".join(v))
            elif k == "table":
                out.append("\n".join("\t".join(r) for r in v))
            else:
                out.append(v)
        return "\n\n".join(out) + "\n"

    def link_words(self, text):
        """Escape text, putting an inline link around a few words now and then."""
        words = text.split(" ")
        if len(words) > 12 and self.rng.random() < 0.4:
            i = self.rng.randrange(0, len(words) - 3)
            n = self.rng.randint(1, 3)
            return (esc(" ".join(words[:i])) + ' <a href="/wiki/%d">' % i +
                    esc(" ".join(words[i:i + n])) + "</a> " + esc(" ".join(words[i + n:])))
        return esc(text)

    def html(self, skip_h1=False, soup=False):
        out = []
        for k, v in self.blocks:
            if k == "h1":
                if not skip_h1:
                    out.append("<h1>%s</h1>" % esc(v))
            elif k in ("h2", "h3"):
                out.append("<%s>%s</%s>" % (k, esc(v), k) if not soup else
                           '<div class="x-hd"><b>%s</b></div>' % esc(v))
            elif k == "lead":
                out.append('<p class="lead">%s</p>' % esc(v))
            elif k == "p":
                out.append("<p>%s</p>" % self.link_words(v) if not soup else
                           "%s<br><br>" % self.link_words(v))
            elif k == "quote":
                out.append("<blockquote><p>%s</p></blockquote>" % esc(v))
            elif k in ("ul", "ol"):
                out.append("<%s>%s</%s>" % (k, "".join("<li>%s</li>" % esc(i) for i in v), k))
            elif k == "table":
                rows = ["<tr>%s</tr>" % "".join("<%s>%s</%s>" % (c, esc(x), c)
                                                 for x in r for c in ["th" if j == 0 else "td"])
                        for j, r in enumerate(v)]
                out.append("<table>%s</table>" % "".join(rows))
            elif k == "pre":
                out.append("<pre><code>%s</code></pre>" % esc(v))
        return "\n".join(out)


def from_man(rng, path, page, max_chars=5000, heading="h2"):
    """Fill page with a man page's sections (title first), up to a random length between 800
    characters and max_chars; returns the title."""
    max_chars = rng.randint(800, max_chars)
    doc = sources.read_man(path)
    name = doc["name"] or os.path.basename(path).split(".")[0]
    page.add("h1", name)
    used = 0
    for h, blocks in doc["sections"]:
        if used > max_chars:
            break
        if h.upper() in ("NAME", "SYNOPSIS", "BEZEICHNUNG", "ÜBERSICHT", "NOM", "NOMBRE",
                         "SYNOPSIS", "ИМЯ", "ОБЗОР", "名称", "概要", "名前", "書式", "NAZWA",
                         "SKŁADNIA", "이름", "개요") or len(page.blocks) == 1 and not blocks:
            continue
        page.add(heading, h)
        for kind, val in blocks:
            if used > max_chars:
                break
            if kind == "p":
                if len(val) < 3:
                    continue
                page.add("p", val)
                used += len(val)
            elif kind == "pre":
                page.add("pre", val)
                used += len(val)
            elif kind == "dl":
                if rng.random() < 0.5:
                    page.add("table", [[t, d] for t, d in val[:8]])
                else:
                    page.add("ul", ["%s: %s" % (t, d) for t, d in val[:8]])
                used += sum(len(t) + len(d) for t, d in val[:8])
    return name


def menu(rng, lang, n=None, cls="menu"):
    words = MENU.get(lang, MENU["en"])
    n = n or rng.randint(5, len(words))
    items = words[:n]
    return '<ul class="%s">%s</ul>' % (cls, "".join(
        '<li><a href="/%s">%s</a></li>' % (i, esc(w)) for i, w in enumerate(items)))


def mega_menu(rng, lang, titles):
    """A site navigation with sections and sub-links, as big sites have (60-odd links)."""
    words = MENU.get(lang, MENU["en"])
    out = []
    for k, w in enumerate(words[:7]):
        subs = rng.sample(titles, 6)
        out.append('<li><a href="/s/%d">%s</a><ul>%s</ul></li>' % (k, esc(w), "".join(
            '<li><a href="/s/%d/%d">%s</a></li>' % (k, j, esc(t.split(" - ")[0]))
            for j, (t, _) in enumerate(subs))))
    return "<ul>%s</ul>" % "".join(out)


ABOUT_SITE = ("The Northwind Post is an independent publication founded in 1998 and owned by "
              "its readers. We report on technology, science and the people who make them, "
              "and we never put our journalism behind a paywall. Our newsroom is in Harbour "
              "Street; letters and tips are always welcome.")


def big_footer(rng, lang, titles, cls="bottom"):
    """Three columns of links and a paragraph about the site, without boilerplate class names."""
    cols = "".join('<div class="col"><h4>%s</h4>%s</div>' % (esc(w), menu(rng, lang, 6, "list"))
                   for w in MENU.get(lang, MENU["en"])[1:4])
    return '<div class="%s"><div class="cols">%s</div><p>%s</p><p>%s</p></div>' % (
        cls, cols, ABOUT_SITE, BOILER["footer"])


def teasers(rng, titles, n, cls="related"):
    picks = rng.sample(titles, n)
    return ('<section class="%s"><h3>Related</h3><ul>' % cls + "".join(
        '<li><a href="/a/%d">%s</a><p class="summary">%s</p></li>' % (i, esc(t), esc(s))
        for i, (t, s) in enumerate(picks)) + "</ul></section>")


def comments(rng, fortunes, n, cls="comments", item="comment"):
    out = ['<section class="%s" id="comments"><h2>%d Comments</h2>' % (cls, n)]
    for i in range(n):
        out.append('<div class="%s"><div class="%s-author"><a href="/u/%d">%s</a> '
                   '<span class="date">March %d, 2026 at %d:%02d pm</span></div>'
                   '<div class="%s-body"><p>%s</p></div><a class="reply" href="#r%d">Reply</a>'
                   '</div>' % (item, item, i, rng.choice(NAMES), rng.randint(1, 28),
                               rng.randint(1, 12), rng.randint(0, 59), item,
                               esc(rng.choice(fortunes)), i))
    out.append('<form class="comment-form"><h3>Leave a Reply</h3><label>Name</label>'
               '<input name="n"><textarea></textarea><button>Post Comment</button></form>')
    out.append("</section>")
    return "\n".join(out)


def responses(rng, fortunes, n):
    """Reader comments marked up without the word "comment" anywhere."""
    return ('<h3>%d Responses</h3><ol class="responses">%s</ol>' % (n, "".join(
        '<li class="response"><p class="who"><b>%s</b> says:</p><p>%s</p></li>'
        % (rng.choice(NAMES), esc(rng.choice(fortunes))) for _ in range(n))))


def doc_html(lang, title, body, head_extra=""):
    return ('<!DOCTYPE html>\n<html lang="%s">\n<head>\n<meta charset="utf-8">\n'
            '<title>%s</title>\n%s<link rel="stylesheet" href="/s.css">\n'
            '<script>window.dataLayer=[];function gtag(){dataLayer.push(arguments)}</script>\n'
            '</head>\n<body>\n%s\n</body>\n</html>\n' % (lang.replace("_", "-"), esc(title),
                                                         head_extra, body))


def news(rng, ctx, i, lang="en", man=None):
    p = Page(rng, lang)
    title = from_man(rng, man or ctx["man_en"].pop(), p, 4000)
    lead = p.blocks[2][1] if len(p.blocks) > 2 and p.blocks[2][0] == "p" else None
    if lead:
        p.blocks[2] = ("lead", lead)
    v = i % 3
    share = ('<div class="share-buttons"><a href="#">Facebook</a> <a href="#">Twitter</a> '
             '<a href="#">Email</a></div>')
    byline = '<p class="byline">By %s · %d March 2026</p>' % (rng.choice(NAMES).title(), i + 1)
    body_html = p.html(skip_h1=True)
    # an ad and a newsletter box in the middle of the story
    parts = body_html.split("\n")
    mid = len(parts) // 2
    parts.insert(mid, '<div class="ad-slot"><span>%s</span><iframe src="/ad"></iframe></div>'
                 % BOILER["ad"])
    parts.insert(mid + 2, '<div class="newsletter-box"><p>%s</p><a href="/nl">Sign up</a></div>'
                 % BOILER["newsletter"])
    story = "\n".join(parts)
    if v == 0:
        body = ('<div class="cookie-banner"><p>%s</p><button>Accept</button></div>\n'
                '<header class="site-header"><a class="logo" href="/">The Northwind Post</a>%s'
                '</header>\n<nav>%s</nav>\n<main>\n<article>\n<header><h1>%s</h1>%s</header>\n'
                '%s\n%s\n<footer><p class="tags">Topics: <a href="/t/1">Software</a>, '
                '<a href="/t/2">Linux</a></p></footer>\n</article>\n%s\n</main>\n'
                '<aside class="sidebar"><h3>Most read</h3>%s</aside>\n'
                '<footer class="site-footer">%s<p>%s</p></footer>' % (
                    BOILER["cookie"], menu(rng, lang, 4), mega_menu(rng, lang, ctx["titles"]),
                    esc(title), byline,
                    share, story, teasers(rng, ctx["titles"], 4), menu(rng, lang, 6, "popular"),
                    menu(rng, lang, 8, "footer-links"), BOILER["footer"]))
    elif v == 1:
        body = ('<div id="page"><div id="top-bar">%s</div><div id="masthead"><a href="/">'
                'Daily Northwind</a></div><div id="nav">%s</div>\n<div class="breadcrumb">'
                '<a href="/">Home</a> &gt; <a href="/tech">Technology</a></div>\n'
                '<div id="content"><div class="story"><h1 class="headline">%s</h1>%s\n'
                '<div class="story-body" itemprop="articleBody">%s</div>%s</div>\n%s</div>\n'
                '<div id="right-rail"><div class="widget"><h4>Newsletter</h4><p>%s</p></div>'
                '<div class="widget">%s</div></div>\n%s</div>' % (
                    menu(rng, lang, 3, "utility"), mega_menu(rng, lang, ctx["titles"]),
                    esc(title), byline, story, share,
                    teasers(rng, ctx["titles"], 5, "more-stories"), BOILER["newsletter"],
                    menu(rng, lang, 5), big_footer(rng, lang, ctx["titles"])))
    else:
        body = ('<header><nav aria-label="main">%s</nav></header>\n<main id="main">\n<h1>%s</h1>'
                '\n%s\n<section class="article-content">\n%s\n</section>\n%s\n%s\n</main>\n'
                '<footer>%s<p>%s</p></footer>' % (
                    menu(rng, lang), esc(title), byline, story, share,
                    comments(rng, ctx["fortunes"], rng.randint(2, 5)), menu(rng, lang, 7),
                    BOILER["footer"]))
    return doc_html(lang, title + " | The Northwind Post", body), p


def blog(rng, ctx, i):
    p = Page(rng)
    title = from_man(rng, ctx["man_en"].pop(), p, 3500)
    v = i % 2
    side = ('<aside id="secondary" class="widget-area"><section class="widget widget_text">'
            '<h2>About me</h2><p>%s</p></section><section class="widget widget_archive"><h2>'
            'Archives</h2>%s</section><section class="widget widget_tag_cloud"><h2>Tags</h2>%s'
            '</section></aside>' % (BOILER["about"], menu(rng, "en", 8, "archive"),
                                    menu(rng, "en", 10, "tagcloud")))
    n_comments = rng.randint(3, 7)
    if v == 0:
        body = ('<div id="page" class="site has-sidebar"><header id="masthead" class="site-header">'
                '<p class="site-title"><a href="/">Bits and Pieces</a></p><p class="site-'
                'description">Notes on software</p><nav class="main-navigation">%s</nav></header>'
                '<div id="content" class="site-content"><div id="primary" class="content-area">'
                '<article class="post type-post"><header class="entry-header"><h1 class="entry-'
                'title">%s</h1><div class="entry-meta">Posted on <time>March %d, 2026</time> by '
                '<a href="/author">admin</a></div></header><div class="entry-content">%s</div>'
                '<footer class="entry-footer">Posted in <a href="/c">Linux</a> | Tagged <a href='
                '"/t">tools</a></footer></article><nav class="post-navigation"><a href="/prev">'
                '&larr; Previous post</a> <a href="/next">Next post &rarr;</a></nav>%s</div>%s</div>'
                '<footer id="colophon" class="site-footer">Proudly powered by WordPress</footer>'
                '</div>' % (menu(rng, "en", 5), esc(title), i + 1, p.html(skip_h1=True),
                            comments(rng, ctx["fortunes"], n_comments), side))
    else:
        body = ('<div class="container"><div class="header"><h2 class="blog-title"><a href="/">'
                'Rusty Keys</a></h2>%s</div><div class="row"><div class="col-md-8"><div class='
                '"post"><h1>%s</h1><p class="post-date">Thursday, %d March 2026</p>%s<div class='
                '"post-footer">Labels: <a href="/l">linux</a>, <a href="/l2">howto</a></div></div>'
                '<div id="responses">%s</div></div><div class="col-md-4">%s</div></div>'
                '%s</div>' % (
                    menu(rng, "en", 4), esc(title), i + 1, p.html(skip_h1=True),
                    responses(rng, ctx["fortunes"], n_comments), side,
                    big_footer(rng, "en", ctx["titles"], "site-bottom")))
    return doc_html("en", title + " \u2013 Bits and Pieces", body), p


def docs(rng, ctx, i):
    p = Page(rng)
    title = from_man(rng, ctx["man_en"].pop(), p, 6000)
    toc = "".join('<li><a href="#s%d">%s</a></li>' % (k, esc(v))
                  for k, (kind, v) in enumerate(p.blocks) if kind == "h2")
    others = rng.sample(ctx["titles"], 12)
    side = "".join('<li class="toctree-l1"><a href="/m/%d">%s</a></li>' % (k, esc(t.split(" - ")[0]))
                   for k, (t, _) in enumerate(others))
    v = i % 2
    if v == 0:
        body = ('<div class="wy-grid-for-nav"><nav class="wy-nav-side"><div class="wy-side-scroll">'
                '<div class="wy-side-nav-search"><a href="/">Manual</a><form><input name="q">'
                '</form></div><div class="wy-menu wy-menu-vertical"><ul>%s</ul></div></div></nav>'
                '<section class="wy-nav-content-wrap"><div class="wy-nav-content"><div role='
                '"navigation" aria-label="breadcrumbs"><ul class="wy-breadcrumbs"><li><a href="/">'
                'Docs</a> &raquo;</li><li>%s</li><li class="wy-breadcrumbs-aside"><a href="/edit">'
                'Edit on GitHub</a></li></ul></div><div class="document" role="main" itemscope>'
                '<div itemprop="articleBody">%s</div></div><footer><div class="rst-footer-'
                'buttons"><a href="/prev" class="btn">Previous</a><a href="/next" class="btn">'
                'Next</a></div><p>&copy; Copyright 2026, The Authors. Built with Sphinx.</p>'
                '</footer></div></section></div>' % (side, esc(title.split(" - ")[0]), p.html()))
    else:
        body = ('<div class="navbar"><a href="/">Project Docs</a> %s <select><option>v2.1</option>'
                '<option>v2.0</option></select></div><div class="layout"><div class="toc-'
                'sidebar"><h4>On this page</h4><ul>%s</ul></div><div class="doc-content">%s'
                '<div class="pagination-nav"><a class="prev" href="/p">&laquo; %s</a> <a class='
                '"next" href="/n">%s &raquo;</a></div><p class="last-updated">Last updated on '
                '3 March 2026</p></div><div class="left-nav"><ul>%s</ul></div></div><div class='
                '"page-footer">%s</div>' % (
                    menu(rng, "en", 4), toc, p.html(), esc(others[0][0]), esc(others[1][0]), side,
                    BOILER["footer"]))
    return doc_html("en", title + " \u2014 Manual", body), p


def forum(rng, ctx, i):
    p = Page(rng)
    doc = sources.read_man(ctx["man_en"].pop())
    paras = [v for _, bl in doc["sections"] for k, v in bl if k == "p" and len(v) > 80]
    title = "Question about " + (doc["name"] or "this tool")
    p.add("h1", title)
    posts = []
    n = rng.randint(3, 7)
    for k in range(n):
        if k == 0 or rng.random() < 0.5:
            text = " ".join(paras[k * 2:k * 2 + 2]) or rng.choice(ctx["fortunes"])
        else:
            text = rng.choice(ctx["fortunes"])
        posts.append(text)
        p.add("p", text)
    v = i % 2
    out = []
    for k, text in enumerate(posts):
        user = rng.choice(NAMES)
        if v == 0:
            out.append('<div class="post" id="p%d"><div class="postprofile"><dl><dt><a href="/u">'
                       '%s</a></dt><dd>Posts: %d</dd><dd>Joined: Mar 2019</dd></dl></div><div '
                       'class="postbody"><p class="author">by <a href="/u">%s</a> &raquo; Tue '
                       'Mar %d, 2026 %d:%02d am</p><div class="content">%s</div>%s</div><ul '
                       'class="post-buttons"><li><a href="/q">Quote</a></li><li><a href="/r">'
                       'Report</a></li></ul></div>' % (
                           k, user, rng.randint(1, 3000), user, k + 1, rng.randint(1, 12),
                           rng.randint(0, 59), esc(text),
                           '<div class="signature">%s</div>' % esc(rng.choice(ctx["fortunes"])[:80])
                           if rng.random() < 0.3 else ""))
        else:
            out.append('<article class="message" data-author="%s"><div class="message-userDetails">'
                       '<h4 class="message-name"><a href="/m">%s</a></h4><h5 class="userTitle">'
                       'Member</h5></div><div class="message-main"><div class="message-attribution">'
                       '<a href="#">%d March 2026</a> <a href="#">#%d</a></div><div class="message-'
                       'body"><div class="bbWrapper">%s</div></div><div class="message-actionBar">'
                       '<a href="#">Like</a> <a href="#">Reply</a></div></div></article>' % (
                           user, user, k + 1, k + 1, esc(text)))
    thread = "\n".join(out)
    if v == 0:
        body = ('<div id="wrap"><div class="headerbar"><h1 class="sitename">Linux Forums</h1>'
                '<p>Discussion for users</p></div><div class="navbar">%s</div><div class='
                '"breadcrumbs"><a href="/">Board index</a> &lsaquo; <a href="/f">Software</a></div>'
                '<div class="topic-title"><h2>%s</h2></div><div class="action-bar"><a href="/n">'
                'Post Reply</a> <div class="pagination">%d posts &bull; Page 1 of 1</div></div>'
                '<div class="topic-posts">%s</div><div class="similar"><h3>Similar topics</h3>%s'
                '</div><div class="footer">%s</div></div>' % (
                    menu(rng, "en", 6), esc(title), n, thread,
                    menu(rng, "en", 5, "topiclist"), BOILER["footer"]))
        p.blocks[0] = ("h2", title)  # the thread title is the page's heading here
    else:
        body = ('<div class="p-pageWrapper"><header class="p-header"><a href="/">ForumHub</a>%s'
                '</header><div class="p-body"><div class="p-title"><h1 class="p-title-value">%s'
                '</h1></div><div class="p-description">Started by %s</div><div class="block-'
                'body js-replyNewMessageContainer">%s</div><div class="block-outer">%s</div>'
                '</div><footer class="p-footer">%s</footer></div>' % (
                    menu(rng, "en", 7), esc(title), rng.choice(NAMES), thread,
                    '<form class="quickReply"><textarea></textarea><button>Post reply</button></form>',
                    BOILER["footer"]))
    return doc_html("en", title + " - Linux Forums", body), p


def qa(rng, ctx, i):
    p = Page(rng)
    doc = sources.read_man(ctx["man_en"].pop())
    paras = [v for _, bl in doc["sections"] for k, v in bl if k == "p" and len(v) > 60]
    pres = [v for _, bl in doc["sections"] for k, v in bl if k == "pre"]
    title = "How do I use %s?" % (doc["name"].split(" - ")[0] or "it")
    p.add("h1", title)
    q = paras[0] if paras else rng.choice(ctx["fortunes"])
    p.add("p", q)
    answers = []
    for k in range(rng.randint(2, 4)):
        a = [("p", paras[1 + k * 2] if len(paras) > 1 + k * 2 else rng.choice(ctx["fortunes"]))]
        if pres and rng.random() < 0.5:
            a.append(("pre", pres[k % len(pres)]))
        if len(paras) > 2 + k * 2:
            a.append(("p", paras[2 + k * 2]))
        answers.append(a)
        for b in a:
            p.add(*b)

    def cmts():
        return ('<div class="comments"><ul>%s</ul><a class="add-comment">Add a comment</a></div>'
                % "".join('<li class="comment"><span class="comment-copy">%s</span> &ndash; '
                          '<a class="comment-user">%s</a> <span class="relativetime">Mar %d</span>'
                          '</li>' % (esc(rng.choice(ctx["fortunes"])), rng.choice(NAMES), k)
                          for k in range(rng.randint(0, 3))))

    def render(blocks):
        return "".join("<p>%s</p>" % esc(v) if kd == "p" else "<pre><code>%s</code></pre>" % esc(v)
                       for kd, v in blocks)

    ans = "".join('<div class="answer" id="a%d"><div class="votecell"><div class="js-vote-count">'
                  '%d</div></div><div class="answercell"><div class="s-prose js-post-body">%s'
                  '</div><div class="post-signature"><a href="/u">%s</a> <span>%d rep</span></div>'
                  '</div>%s</div>' % (k, rng.randint(-2, 300), render(a), rng.choice(NAMES),
                                      rng.randint(1, 90000), cmts())
                  for k, a in enumerate(answers))
    body = ('<header class="s-topbar">%s<form class="s-topbar--searchbar"><input></form></header>'
            '<div class="container"><div id="left-sidebar"><nav>%s</nav></div><div id="content">'
            '<div id="question-header"><h1 itemprop="name"><a href="/q/%d" class="question-'
            'hyperlink">%s</a></h1><a class="ask-question" href="/ask">Ask Question</a></div>'
            '<div class="d-flex">Asked 3 years ago Modified today Viewed %d times</div>'
            '<div id="mainbar"><div class="question" id="question"><div class="votecell"><div>%d'
            '</div></div><div class="postcell"><div class="s-prose js-post-body" itemprop="text">'
            '<p>%s</p></div><div class="post-taglist"><a class="post-tag">linux</a> <a class='
            '"post-tag">shell</a></div><div class="post-signature">asked by <a>%s</a></div></div>'
            '%s</div><div id="answers"><div id="answers-header"><h2>%d Answers</h2> Sorted by: '
            '<select><option>Highest score</option></select></div>%s</div><h2>Your Answer</h2>'
            '<form id="post-form"><textarea></textarea></form></div><div id="sidebar"><div class='
            '"s-sidebarwidget"><h4>Related</h4>%s</div><div id="hot-network-questions"><h4>Hot '
            'Network Questions</h4>%s</div></div></div></div><footer class="site-footer">%s'
            '</footer>' % (menu(rng, "en", 4), menu(rng, "en", 6), i, esc(title),
                           rng.randint(100, 90000), rng.randint(0, 99), esc(q),
                           rng.choice(NAMES), cmts(), len(answers), ans,
                           menu(rng, "en", 8, "related-questions"),
                           teasers(rng, ctx["titles"], 5, "hot"), BOILER["footer"]))
    return doc_html("en", title + " - Unix Q&A", body), p


def product(rng, ctx, i):
    p = Page(rng)
    pkg = ctx["pkgs"].pop()
    name = pkg["Package"] + " \u2014 " + pkg["summary"]
    p.add("h1", name)
    p.add("h2", "Description")
    for para in pkg["paras"]:
        p.add("p", para)
    spec = [[k, pkg[k]] for k in ("Version", "Architecture", "Section", "Installed-Size",
                                  "Priority") if k in pkg]
    p.add("h2", "Specifications")
    p.add("table", spec)
    reviews = "".join('<div class="review"><div class="review-rating">%d out of 5 stars</div><p '
                      'class="review-author">%s</p><div class="review-text">%s</div><a>Helpful'
                      '</a></div>' % (rng.randint(1, 5), rng.choice(NAMES),
                                      esc(rng.choice(ctx["fortunes"])))
                      for _ in range(rng.randint(2, 5)))
    also = "".join('<div class="product-card"><a href="/p/%d">%s</a><span class="price">$%d.99'
                   '</span></div>' % (k, esc(q["Package"] + " \u2014 " + q["summary"]),
                                      rng.randint(5, 99))
                   for k, q in enumerate(rng.sample(ctx["all_pkgs"], 6)))
    body = ('<header class="shop-header"><a href="/">PackageMart</a><form class="search"><input>'
            '</form>%s<a href="/cart">Cart (0)</a></header><nav class="breadcrumbs"><a href="/">'
            'Home</a> / <a href="/c">%s</a></nav><div class="product-page"><div class="gallery">'
            '<img src="/i.png" alt="%s"></div><div class="product-info"><h1 class="product-'
            'title">%s</h1><div class="rating">4.%d out of 5 (%d ratings)</div><div class="buy-box">'
            '<span class="price">$%d.99</span> <span class="stock">In stock</span><button>Add to '
            'cart</button><p class="shipping">Free delivery on orders over $25.</p></div><div class='
            '"product-description"><h2>Description</h2>%s</div><div class="specs"><h2>%s</h2>%s'
            '</div></div></div><section class="customer-reviews"><h2>Customer reviews</h2>%s'
            '</section><section class="also-bought"><h2>Customers also bought</h2>%s</section>'
            '<footer>%s %s</footer>' % (
                menu(rng, "en", 5), esc(pkg.get("Section", "misc")), esc(pkg["Package"]),
                esc(name), rng.randint(0, 9), rng.randint(3, 900), rng.randint(5, 99),
                "".join("<p>%s</p>" % esc(x) for x in pkg["paras"]), "Specifications",
                _table_page(rng, spec).html(), reviews, also,
                menu(rng, "en", 8), BOILER["footer"]))
    return doc_html("en", pkg["Package"] + " | PackageMart", body), p


def _table_page(rng, rows):
    t = Page(rng)
    t.add("table", rows)
    return t


def wiki(rng, ctx, i):
    p = Page(rng)
    title = from_man(rng, ctx["man_en"].pop(), p, 5000)
    pkg = rng.choice(ctx["all_pkgs"])
    info = "".join("<tr><th>%s</th><td>%s</td></tr>" % (esc(k), esc(pkg[k]))
                   for k in ("Package", "Version", "Maintainer", "Section", "Architecture")
                   if k in pkg)
    toc = "".join('<li class="toclevel-1"><a href="#s%d"><span class="tocnumber">%d</span> '
                  '<span class="toctext">%s</span></a></li>' % (k, k, esc(v))
                  for k, (kind, v) in enumerate(p.blocks) if kind == "h2")
    content = p.html(skip_h1=True).split("\n")
    content.insert(1, '<div id="toc" class="toc"><h2>Contents</h2><ul>%s</ul></div>' % toc)
    body = ('<div id="mw-page-base"></div><div id="content" class="mw-body" role="main"><a id='
            '"top"></a><div id="siteNotice">Donate to keep this wiki running.</div><h1 id='
            '"firstHeading" class="firstHeading">%s</h1><div id="bodyContent" class="vector-body">'
            '<div id="siteSub">From WikiLinux, the free encyclopedia</div><div id="contentSub">'
            '</div><a class="mw-jump-link" href="#mw-head">Jump to navigation</a><div id="mw-'
            'content-text" class="mw-body-content"><div class="mw-parser-output"><table class='
            '"infobox vevent"><caption>%s</caption>%s</table>%s<div role="navigation" class='
            '"navbox"><table><tr><th>Related commands</th><td>%s</td></tr></table></div></div>'
            '</div><div id="catlinks" class="catlinks"><a href="/c">Categories</a>: <a href="/c1">'
            'Unix software</a> | <a href="/c2">Command-line tools</a></div></div></div><div id='
            '"mw-navigation"><div id="mw-head">%s</div><div id="mw-panel"><div class="portal">%s'
            '</div><div class="portal"><h3>Tools</h3>%s</div></div></div><div id="footer" role='
            '"contentinfo"><ul id="footer-info"><li>This page was last edited on 3 March 2026.</li>'
            '<li>Text is available under the Creative Commons Attribution-ShareAlike License; '
            'additional terms may apply.</li></ul>%s</div>' % (
                esc(title), esc(pkg["Package"]), info, "\n".join(content),
                " \u00b7 ".join('<a href="/w/%d">%s</a>' % (k, esc(t.split(" - ")[0]))
                                for k, (t, _) in enumerate(rng.sample(ctx["titles"], 15))),
                menu(rng, "en", 5), menu(rng, "en", 9), menu(rng, "en", 6, "tools"),
                menu(rng, "en", 4, "footer-places")))
    return doc_html("en", title + " - WikiLinux", body), p


def divsoup(rng, ctx, i):
    """No semantic tags and meaningless class names: only text and links tell content apart."""
    p = Page(rng)
    title = from_man(rng, ctx["man_en"].pop(), p, 4000, heading="h3")

    def c():
        return "css-%x" % rng.getrandbits(24)

    links = lambda n: "".join('<div class="%s"><a href="/%d">%s</a></div>' % (
        c(), k, esc(w)) for k, w in enumerate(rng.sample(MENU["en"], n)))
    if i % 2 == 0:
        body = ('<div class="%s"><div class="%s">%s</div><div class="%s"><div class="%s">%s</div>'
                '<div class="%s"><div class="%s"><h1>%s</h1></div><div class="%s">%s</div></div>'
                '<div class="%s">%s<div class="%s">%s</div></div></div><div class="%s">%s<div>%s'
                '</div></div></div>' % (
                    c(), c(), links(8), c(), c(), links(10), c(), c(), esc(title), c(),
                    p.html(skip_h1=True, soup=True), c(), links(7), c(),
                    "".join('<div><a href="/x%d">%s</a></div>' % (k, esc(t))
                            for k, (t, _) in enumerate(rng.sample(ctx["titles"], 6))),
                    c(), links(9), esc(ABOUT_SITE + " " + BOILER["footer"])))
    else:
        # a 2000s layout table
        body = ('<table width="100%%" border="0"><tr><td colspan="2" bgcolor="#003366"><font size='
                '"5" color="white">Unix Corner</font> %s</td></tr><tr><td width="180" valign="top">'
                '%s<br><br>%s</td><td valign="top"><font face="Verdana"><h1>%s</h1>%s</font></td>'
                '</tr><tr><td colspan="2"><font size="1">%s | %s</font></td></tr></table>' % (
                    " | ".join('<a href="/%d">%s</a>' % (k, w) for k, w in enumerate(MENU["en"][:6])),
                    "<br>".join('<a href="/l%d">%s</a>' % (k, esc(t.split(" - ")[0]))
                                for k, (t, _) in enumerate(rng.sample(ctx["titles"], 12))),
                    '<a href="/guestbook">Sign my guestbook!</a>', esc(title),
                    p.html(skip_h1=True, soup=True), esc(BOILER["footer"]),
                    " | ".join('<a href="/f%d">%s</a>' % (k, w) for k, w in enumerate(MENU["en"][6:]))))
    return doc_html("en", title, body), p


# (language, charset of the file, declared in <meta>?) for the multilingual pages
MULTI = [("de", "windows-1252", True), ("fr", "iso-8859-1", True), ("es", "utf-8", True),
         ("ru", "koi8-r", True), ("zh_CN", "gbk", False), ("ja", "shift_jis", True),
         ("pl", "windows-1250", True), ("ko", "euc-kr", True), ("it", "utf-8", False),
         ("uk", "windows-1251", False)]


def multi(rng, ctx, i):
    lang, cs, declared = MULTI[i % len(MULTI)]
    pages = sources.man_pages(lang, (2500, 40000))
    man = pages[rng.randrange(len(pages))]
    page_html, p = news(rng, ctx, i, lang=lang, man=man)
    if cs != "utf-8" or not declared:
        meta = '<meta charset="%s">' % cs if declared else ""
        page_html = page_html.replace('<meta charset="utf-8">', meta)
    return page_html, p, cs


def hard(rng, ctx, i):
    """Boilerplate that reads like prose and carries no telling class name or tag: teaser
    summaries, author bios, site blurbs and reader comments in plain divs; articles split by
    boxes; a vBulletin-style forum in tables; short articles on busy pages. Added after the
    extractor was tuned on the other nine types and scored once, as written (a held-out type)."""
    v = i % 5
    p = Page(rng)

    def c():
        return "b%d" % rng.randint(1, 99)

    def plain_teasers(n):
        return "".join('<div class="%s"><a href="/t/%d">%s</a><div>%s</div></div>' % (
            c(), k, esc(t), esc(s_)) for k, (t, s_) in enumerate(rng.sample(ctx["titles"], n)))

    def plain_comments(n):
        return "".join('<div class="%s"><div>%s wrote on %d March:</div><div>%s</div></div>' % (
            c(), rng.choice(NAMES), k + 1, esc(rng.choice(ctx["fortunes"]))) for k in range(n))

    bio = ("%s is a staff writer who has covered open source software, operating systems and "
           "the people behind them for more than a decade. Before that she ran a small hosting "
           "company and taught evening classes in shell scripting." % rng.choice(NAMES).title())
    if v == 3:
        doc = sources.read_man(ctx["man_en"].pop())
        paras = [x for _, bl in doc["sections"] for k, x in bl if k == "p" and len(x) > 80]
        title = "Problem with " + (doc["name"].split(" - ")[0] or "a tool")
        p.add("h1", title)
        rows = []
        for k in range(rng.randint(3, 6)):
            text = paras[k] if k < len(paras) and (k == 0 or rng.random() < 0.6) else rng.choice(ctx["fortunes"])
            p.add("p", text)
            rows.append('<table class="tborder" width="100%%"><tr><td class="thead">%d March 2026, '
                        '%d:%02d</td><td class="thead" align="right">#%d</td></tr><tr><td class='
                        '"alt2" width="175"><a class="bigusername" href="/u">%s</a><div class='
                        '"smallfont">Registered User<br>Join Date: Mar 2019<br>Posts: %d</div></td>'
                        '<td class="alt1" id="td_post_%d"><div id="post_message_%d">%s</div>'
                        '<div class="smallfont">__________________<br>%s</div></td></tr></table>'
                        % (k + 1, rng.randint(1, 12), rng.randint(0, 59), k + 1, rng.choice(NAMES),
                           rng.randint(1, 5000), k, k, esc(text),
                           esc(rng.choice(ctx["fortunes"])[:90])))
        body = ('<table width="100%%"><tr><td><a href="/">vBulletin Community</a></td><td>%s</td>'
                '</tr></table><table class="tborder"><tr><td class="navbar"><a href="/">Forum</a> '
                '&gt; <a href="/f">Software</a> &gt; <strong>%s</strong></td></tr></table>%s'
                '<table><tr><td class="smallfont">%s</td></tr></table><div class="smallfont">%s'
                '</div>' % (menu(rng, "en", 6), esc(title), "".join(rows),
                            plain_teasers(5), esc(BOILER["footer"])))
        return doc_html("en", title + " - vBulletin Community", body), p
    title = from_man(rng, ctx["man_en"].pop(), p, 2500 if v == 1 else 4500)
    if v == 0:
        blocks = p.html(skip_h1=True).split("\n")
        k = max(1, len(blocks) // 2)
        body = ('<div class="%s">%s</div><div class="%s"><h1>%s</h1><div class="%s">%s</div>'
                '<div class="%s"><b>Read also</b>%s</div><div class="%s">%s</div><div class="%s">'
                '<p>%s</p></div><div class="%s"><h3>Reader responses</h3>%s</div></div><div class='
                '"%s">%s<p>%s</p></div>' % (
                    c(), menu(rng, "en", 9), c(), esc(title), c(), "\n".join(blocks[:k]), c(),
                    plain_teasers(2), c(), "\n".join(blocks[k:]), c(), bio, c(),
                    plain_comments(rng.randint(3, 6)), c(), menu(rng, "en", 7), ABOUT_SITE))
    elif v == 1:
        body = ('<div class="%s"><p>%s</p>%s</div><div class="%s"><div class="%s"><h1>%s</h1>%s'
                '</div><div class="%s"><h3>Also on the site</h3>%s</div></div><div class="%s">'
                '<p>%s</p><p>%s</p></div>' % (
                    c(), ABOUT_SITE, menu(rng, "en", 10), c(), c(), esc(title),
                    p.html(skip_h1=True), c(), plain_teasers(6), c(), bio, BOILER["footer"]))
    elif v == 2:
        body = ('<table width="100%%"><tr><td width="200" valign="top"><p>%s</p>%s</td><td valign='
                '"top"><h1>%s</h1><div>%s</div></td><td width="200" valign="top"><p>%s</p>%s</td>'
                '</tr></table><div>%s</div>' % (
                    ABOUT_SITE, menu(rng, "en", 8), esc(title),
                    p.html(skip_h1=True, soup=True), bio, plain_teasers(3),
                    esc(BOILER["footer"])))
    else:
        p.blocks[0] = ("h2", title)
        body = ('<div id="top">%s</div><div id="wrap"><div id="main-col"><h2>%s</h2>%s<div class='
                '"box-2"><p>%s</p><a href="/nl">Sign up</a></div></div><div id="side-col"><p>%s'
                '</p>%s</div></div><div id="bottom">%s</div>' % (
                    menu(rng, "en", 8), esc(title), p.html(skip_h1=True), BOILER["newsletter"],
                    bio, plain_teasers(4), big_footer(rng, "en", ctx["titles"], "bottom")))
    return doc_html("en", title, body), p


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    rng = random.Random(SEED)
    man_en = sources.man_pages("")
    rng.shuffle(man_en)
    fort = sources.fortunes("fortunes") + sources.fortunes("computers")
    pkgs = sources.packages()
    titles = []
    for path in man_en[-60:]:
        d = sources.read_man(path)
        first = next((v for _, bl in d["sections"][1:] for k, v in bl if k == "p" and len(v) > 60), "")
        if d["name"]:
            titles.append((d["name"], first[:160]))
    man_en = man_en[:-60]
    shuffled = list(pkgs)
    rng.shuffle(shuffled)
    ctx = {"man_en": man_en, "fortunes": fort, "titles": titles, "pkgs": shuffled[:PER_TYPE],
           "all_pkgs": pkgs}
    os.makedirs(os.path.join(out, "pages"), exist_ok=True)
    os.makedirs(os.path.join(out, "expected"), exist_ok=True)
    gens = {"news": news, "blog": blog, "docs": docs, "forum": forum, "qa": qa,
            "product": product, "wiki": wiki, "divsoup": divsoup, "multi": multi,
            "hard": hard}
    charsets = []
    for t in TYPES:
        for i in range(PER_TYPE):
            r = gens[t](rng, ctx, i)
            page_html, p = r[0], r[1]
            cs = r[2] if len(r) > 2 else "utf-8"
            name = "%s-%02d" % (t, i)
            data = page_html.encode(cs, errors="xmlcharrefreplace")
            with open(os.path.join(out, "pages", name + ".html"), "wb") as f:
                f.write(data)
            with open(os.path.join(out, "expected", name + ".txt"), "w", encoding="utf-8") as f:
                f.write(p.expected())
            charsets.append("%s %s\n" % (name, cs))
    with open(os.path.join(out, "charsets.txt"), "w") as f:
        f.write("".join(charsets))


if __name__ == "__main__":
    main()
