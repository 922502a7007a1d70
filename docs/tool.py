#!/usr/bin/env python3
# gst-workers: the manual's page for gst-worker-launch (DocBook refentry):
# the words of its man page include file and the tool's own --help-all,
# so the page lists every option the tool has.
#
# usage: tool.py OUTPUT TOOL H2M-INCLUDE
import html
import re
import subprocess
import sys


def h2m_sections(path):
    sections, name = {}, None
    for line in open(path, encoding='utf-8'):
        m = re.match(r'\[(.*)\]\s*$', line)
        if m:
            name = m.group(1)
            sections[name] = []
        elif name:
            sections[name].append(line.rstrip('\n'))
    return sections


def roff_to_text(lines):
    out = []
    for l in lines:
        if l.startswith('.nf') or l.startswith('.fi') or l.startswith('.TP'):
            continue
        l = re.sub(r'^\.B[IR]? ', '', l)
        l = re.sub(r'^\.I ', '', l)
        out.append(l.replace('\\-', '-').replace('\\e', '\\'))
    return ' '.join(x.strip() for x in out if x.strip())


def main():
    out, tool, include = sys.argv[1:4]
    s = h2m_sections(include)
    purpose = roff_to_text(s['NAME']).split(' - ', 1)[-1]
    help_text = subprocess.run([tool, '--help-all'], capture_output=True,
                               text=True, timeout=60).stdout
    examples = '\n'.join(l for l in s['EXAMPLES']
                         if not l.startswith('.')).replace('\\e', '\\')
    with open(out, 'w', encoding='utf-8') as f:
        f.write('''<?xml version="1.0"?>
<!DOCTYPE refentry PUBLIC "-//OASIS//DTD DocBook XML V4.3//EN"
  "http://www.oasis-open.org/docbook/xml/4.3/docbookx.dtd">
<refentry id="gst-worker-launch">
<refmeta><refentrytitle>gst-worker-launch</refentrytitle>
<manvolnum>1</manvolnum></refmeta>
<refnamediv><refname>gst-worker-launch</refname>
<refpurpose>%s</refpurpose></refnamediv>
<refsect1><title>Description</title><para>%s</para></refsect1>
<refsect1><title>Options</title><screen>%s</screen></refsect1>
<refsect1><title>Files</title><para>%s</para></refsect1>
<refsect1><title>Examples</title><programlisting>%s</programlisting></refsect1>
<refsect1><title>Environment</title><para>%s</para></refsect1>
</refentry>
''' % (html.escape(purpose), html.escape(roff_to_text(s['DESCRIPTION'])),
            html.escape(help_text), html.escape(roff_to_text(s['FILES'])),
            html.escape(examples), html.escape(roff_to_text(s['ENVIRONMENT']))))


if __name__ == '__main__':
    main()
