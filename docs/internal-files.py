#!/usr/bin/env python3
# gst-workers: the files of the libraries' folders that the manual must not
# scan. Usage: internal-files.py DIR... -- API-FILE...
# Prints, one a line, every .h and .c file under the DIRs (sub-folders
# too: gtk-doc scans them) that is not one of the API-FILEs (the installed
# headers and their sources of the same names): the internal ones,
# whatever their names, new ones too.
import os
import sys

args = sys.argv[1:]
split = args.index('--')
dirs, api = args[:split], set(args[split + 1:])
names = set()
for d in dirs:
    for _, _, files in os.walk(d):
        names.update(f for f in files
                     if f.endswith(('.h', '.c')) and f not in api)
print('\n'.join(sorted(names)))
