#!/usr/bin/env python3
# gst-workers: the manual's element pages (elements.xml, DocBook), one
# section per element: its SECTION:element-NAME comment from the source
# (description, rules, example launch lines) and its gst-inspect-1.0
# output (pads, properties, signals).
#
# usage: elements.py OUTPUT DIR... (every .c file of each DIR is read;
# GST_PLUGIN_PATH names the plugins)
import glob
import html
import os
import re
import subprocess
import sys


def inline(text):
    text = html.escape(text, quote=False)
    text = re.sub(r'`([^`]+)`', r'<literal>\1</literal>', text)
    text = re.sub(r'%([A-Z][A-Z0-9_]+)', r'<literal>\1</literal>', text)
    return text


def to_docbook(lines):
    out, para, items = [], [], []
    i = 0

    def flush():
        if para:
            out.append('<para>%s</para>' % inline(' '.join(para)))
            para.clear()
        if items:
            out.append('<itemizedlist>%s</itemizedlist>' % ''.join(
                '<listitem><para>%s</para></listitem>' % inline(' '.join(it))
                for it in items))
            items.clear()

    while i < len(lines):
        line = lines[i]
        s = line.strip()
        if s.startswith('|['):
            flush()
            code = []
            i += 1
            while i < len(lines) and not lines[i].strip().startswith(']|'):
                code.append(lines[i])
                i += 1
            tail = lines[i].strip()[2:].strip() if i < len(lines) else ''
            out.append('<informalexample><programlisting>%s</programlisting>'
                       '</informalexample>' % html.escape('\n'.join(code)))
            if tail:
                para.append(tail)
        elif s.startswith('## '):
            flush()
            out.append('<bridgehead renderas="sect3">%s</bridgehead>'
                       % inline(s[3:]))
        elif s == '':
            flush()
        elif s.startswith('- '):
            if para:
                flush()
            items.append([s[2:]])
        elif items and line.startswith('  '):
            items[-1].append(s)
        else:
            if items:
                flush()
            para.append(s)
        i += 1
    flush()
    return '\n'.join(out)


def sections(path):
    text = open(path, encoding='utf-8').read()
    for m in re.finditer(r'/\*\*\n \* SECTION:element-([a-z0-9]+)\n(.*?)\*/',
                         text, re.S):
        name, body = m.group(1), m.group(2)
        lines = [re.sub(r'^ \* ?', '', l) for l in body.split('\n')]
        meta = {}
        rest = []
        for l in lines:
            mm = re.match(r'@(title|short_description|see_also): *(.*)', l)
            if mm and not rest:
                meta[mm.group(1)] = mm.group(2)
            elif rest or l.strip():
                rest.append(l)
        # a @short_description may go on over the next indented lines
        while rest and rest[0].startswith('  '):
            meta['short_description'] = meta.get('short_description', '') + \
                ' ' + rest.pop(0).strip()
        yield name, meta, rest


def inspect(name):
    try:
        return subprocess.run(['gst-inspect-1.0', '--no-colors', name],
                              capture_output=True, text=True,
                              timeout=60).stdout
    except Exception as e:  # noqa: BLE001 - say why in the page
        return 'gst-inspect-1.0 %s failed: %s' % (name, e)


def main():
    out_path = sys.argv[1]
    sources = sorted(f for d in sys.argv[2:]
                     for f in glob.glob(os.path.join(d, '*.c')))
    parts = []
    for src in sources:
        for name, meta, rest in sections(src):
            purpose = meta.get('short_description', '')
            parts.append(
                '<sect1 id="element-%s">\n<title>%s</title>\n'
                '<para><emphasis>%s</emphasis> (%s)</para>\n%s\n'
                '<bridgehead renderas="sect3">gst-inspect-1.0 %s</bridgehead>\n'
                '<screen>%s</screen>\n</sect1>' % (
                    name, name, inline(purpose),
                    html.escape('/'.join(src.split(os.sep)[-3:])),
                    to_docbook(rest), name, html.escape(inspect(name))))
    with open(out_path, 'w', encoding='utf-8') as f:
        f.write('<?xml version="1.0"?>\n'
                '<!DOCTYPE chapter PUBLIC "-//OASIS//DTD DocBook XML V4.3//EN"\n'
                '  "http://www.oasis-open.org/docbook/xml/4.3/docbookx.dtd">\n'
                '<chapter id="gst-workers-element-pages">\n'
                '<title>Element pages</title>\n%s\n</chapter>\n'
                % '\n'.join(parts))


if __name__ == '__main__':
    main()
