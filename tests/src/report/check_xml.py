"""Well-formedness check for the report's SVG/HTML output (used by the report tests).

Parses argv[1] with Python's own XML parser (xml.etree, expat) -- an implementation independent of
ours -- and prints "root=<tag>" then "<tag> <count>" per element tag, sorted. Exit 1 on a parse error.
"""
import collections
import sys
import xml.etree.ElementTree as ET

try:
    root = ET.parse(sys.argv[1]).getroot()
except ET.ParseError as e:
    print(f"parse error: {e}")
    sys.exit(1)
counts = collections.Counter(el.tag for el in root.iter())
print(f"root={root.tag}")
for tag, n in sorted(counts.items()):
    print(f"{tag} {n}")
