import re, sys, html
s = open(sys.argv[1]).read()
rows = {}
for m in re.finditer(r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', s):
    x, y, t = float(m.group(1)), float(m.group(2)), html.unescape(m.group(3))
    rows.setdefault(y, []).append((x, t))
for y in sorted(rows):
    line = ""
    for x, t in sorted(rows[y]):
        col = int(round(x / 12.2))
        line = line.ljust(col) + t
    print(line.replace("\xa0", " "))
