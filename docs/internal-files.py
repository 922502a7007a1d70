#!/usr/bin/env python3
# gst-workers: the files of the libraries' folders that the manual must not
# scan. Usage: internal-files.py DIR... -- API-FILE...
# Prints, one a line, every .h and .c file of the DIRs that is not one of
# the API-FILEs (the installed headers and their sources of the same
# names): the internal ones, whatever their names, new ones too.
import os
import sys

args = sys.argv[1:]
split = args.index('--')
dirs, api = args[:split], set(args[split + 1:])
for d in dirs:
    for name in sorted(os.listdir(d)):
        if name.endswith(('.h', '.c')) and name not in api:
            print(name)
