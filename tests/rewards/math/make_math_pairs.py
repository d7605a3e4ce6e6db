#!/usr/bin/env python3
"""Writes tests/data/math_pairs.jsonl: (gold, prediction) pairs for the math accuracy agreement test
against HF math-verify (tests/rewards/math/oracle_math_verify.py). Run from the repo root:
  .venv/bin/python tests/rewards/math/make_math_pairs.py > tests/data/math_pairs.jsonl
Pairs are written by hand below, grouped by category, as "gold ||| predicted answer". Each pair is
wrapped in a model-like completion (boxed or <answer> tags). Rows that we accept but math-verify
rejects carry "mv_false_negative": <reason>; the C++ test allows exactly those.
"""
import json

CASES = {
"integer": r"""
42 ||| 42
42 ||| 43
42 ||| -42
-7 ||| -7
-7 ||| 7
0 ||| 0
-0 ||| 0
0 ||| -0
007 ||| 7
100 ||| 1000
1000 ||| 1,000
1,000 ||| 1000
1,000,000 ||| 1000000
1000000 ||| 1,000,000
1234567 ||| 1,234,567
1234567 ||| 1,234,568
10{,}000 ||| 10000
12345678901234567890 ||| 12345678901234567890
12345678901234567890 ||| 12345678901234567891
99999999999999999999999 ||| 99999999999999999999999
5 ||| 5.0
5 ||| 5.00
5 ||| 5.000001
5 ||| 5.0000001
17 ||| 71
2024 ||| 2025
3 ||| \text{3}
""",
"decimal": r"""
0.5 ||| 0.5
0.5 ||| 0.50
0.5 ||| .5
1.5 ||| 1.50
2.75 ||| 2.75
2.75 ||| 2.57
3.14 ||| 3.14
3.14 ||| 3.141
0.1 ||| 0.1000004
0.1 ||| 0.1000006
-0.25 ||| -0.25
-0.25 ||| 0.25
1000000 ||| 1000000.4
0.001 ||| 0.001
0.001 ||| 0.01
12.5 ||| 12.50
8.50 ||| 8.5
0.3 ||| 0.30000001
2.5 ||| 2.49
""",
"fraction": r"""
1/2 ||| 0.5
0.5 ||| 1/2
\frac{1}{2} ||| 0.5
0.5 ||| \frac{1}{2}
\frac{1}{3} ||| 0.333
\frac{1}{3} ||| 0.333333
\frac{1}{3} ||| 0.3333333
\frac{1}{3} ||| 0.33
\frac{2}{3} ||| 0.666667
\frac{2}{3} ||| 0.666666
\frac{2}{3} ||| 0.6666667
\frac{3}{4} ||| \frac{6}{8}
\frac{3}{4} ||| 0.75
0.75 ||| \frac{3}{4}
\frac{3}{4} ||| \frac{4}{3}
\frac12 ||| \frac{1}{2}
\frac{1}{2} ||| \frac12
\dfrac{3}{4} ||| \tfrac{3}{4}
\dfrac{5}{6} ||| \frac{5}{6}
\frac{5}{6} ||| \dfrac{6}{5}
-\frac{1}{2} ||| \frac{-1}{2}
-\frac{1}{2} ||| \frac{1}{-2}
-\frac{1}{2} ||| \frac{1}{2}
-0.5 ||| -\frac{1}{2}
\frac{7}{2} ||| 3.5
\frac{7}{2} ||| 7/2
7/2 ||| \frac{7}{2}
\frac{22}{7} ||| 3.142857
\frac{22}{7} ||| 3.14
\frac{1}{7} ||| 0.142857
\frac{1}{7} ||| 0.142858
\frac{1}{7} ||| 0.14
\frac{10}{4} ||| \frac{5}{2}
\frac{10}{4} ||| 2.5
\frac{100}{3} ||| 33.333333
\frac{100}{3} ||| 33.33
1\frac{1}{2} ||| 1.5
3\frac12 ||| \frac{7}{2}
\frac{-3}{4} ||| -0.75
\frac{3}{-4} ||| 0.75
\frac{1}{2}+\frac{1}{3} ||| \frac{5}{6}
\frac{1}{2}+\frac{1}{3} ||| \frac{2}{5}
\frac{9}{12} ||| \frac{3}{4}
\frac{1}{1000} ||| 0.001
""",
"sqrt": r"""
\sqrt{2} ||| \sqrt{2}
\sqrt{2} ||| \sqrt2
\sqrt{2} ||| 1.414214
\sqrt{2} ||| 1.41421356
\sqrt{2} ||| 1.414
\sqrt{2} ||| \sqrt{3}
\frac{\sqrt{2}}{2} ||| \frac{1}{\sqrt{2}}
\frac{1}{\sqrt{2}} ||| \frac{\sqrt{2}}{2}
\frac{\sqrt{2}}{2} ||| \frac{\sqrt{3}}{2}
\frac{\sqrt{2}}{2} ||| 0.707107
\frac{\sqrt{2}}{2} ||| 0.7071
2\sqrt{3} ||| \sqrt{12}
\sqrt{12} ||| 2\sqrt{3}
2\sqrt{3} ||| 3\sqrt{2}
6\sqrt{2} ||| \sqrt{72}
3\sqrt{5} ||| \sqrt{45}
3\sqrt{5} ||| \sqrt{15}
\sqrt{4} ||| 2
\sqrt{16} ||| 4
\sqrt{16} ||| -4
\sqrt[3]{8} ||| 2
\sqrt[3]{27} ||| 3
\sqrt[3]{2} ||| 2^{1/3}
\sqrt[3]{2} ||| \sqrt{2}
\sqrt[4]{16} ||| 2
\sqrt{\frac{1}{4}} ||| \frac{1}{2}
\frac{\sqrt{3}}{3} ||| \frac{1}{\sqrt{3}}
\frac{\sqrt{3}}{3} ||| \sqrt{3}
1+\sqrt{2} ||| \sqrt{2}+1
1+\sqrt{2} ||| 1-\sqrt{2}
\frac{1+\sqrt{5}}{2} ||| \frac{\sqrt{5}+1}{2}
\frac{1+\sqrt{5}}{2} ||| 1.618034
\frac{1+\sqrt{5}}{2} ||| \frac{1-\sqrt{5}}{2}
4^{1/2} ||| 2
\sqrt{8} ||| 2\sqrt{2}
\sqrt{50} ||| 5\sqrt{2}
\sqrt{50} ||| 7.071068
\sqrt{2}\cdot\sqrt{3} ||| \sqrt{6}
\left(\sqrt{2}\right)^{2} ||| 2
""",
"pi_e": r"""
\pi ||| \pi
\pi ||| 3.14
\pi ||| 3.141593
\pi ||| 3.1416
3\pi ||| \pi \cdot 3
3\pi ||| 3 \pi
3\pi ||| \frac{6\pi}{2}
3\pi ||| 9.424778
3\pi ||| 2\pi
\frac{\pi}{4} ||| 0.785398
\frac{\pi}{4} ||| 0.7854
\frac{\pi}{4} ||| \frac{1}{4}\pi
\frac{\pi}{2} ||| \frac{\pi}{3}
2\pi ||| \pi+\pi
4\pi ||| 4 \pi
16\pi ||| 16\pi
25\pi ||| 50\pi
\pi^{2} ||| \pi \cdot \pi
\frac{\pi^2}{6} ||| 1.644934
e ||| e
e ||| 2.718282
e ||| 2.72
e^{2} ||| e^2
e^{2} ||| e \cdot e
e^{2} ||| 2e
2\pi r ||| 2 \pi r
\pi r^2 ||| r^2\pi
\pi r^2 ||| 2\pi r
10\pi ||| 31.415927
""",
"sci": r"""
10^{3} ||| 1000
1000 ||| 10^{3}
10^{3} ||| 100
2^{10} ||| 1024
2^10 ||| 1024
2^{10} ||| 1000
1.2 \times 10^{3} ||| 1200
1200 ||| 1.2 \times 10^{3}
1.2 \times 10^{3} ||| 120
3 \cdot 10^{-2} ||| 0.03
5 \cdot 10^{3} ||| 5000
6.02 \times 10^{23} ||| 6.02 \times 10^{23}
6.02 \times 10^{23} ||| 6.2 \times 10^{23}
1.5 \times 10^{-3} ||| 0.0015
1.5 \times 10^{-3} ||| 0.015
2^{-1} ||| 0.5
2^{-2} ||| \frac{1}{4}
10^{-6} ||| 0.000001
3^{4} ||| 81
(-2)^{3} ||| -8
(-1)^{2} ||| 1
-1^{2} ||| -1
-1^{2} ||| 1
1.2e3 ||| 1200
1200 ||| 1.2e3
2.5e-3 ||| 0.0025
""",
"expression": r"""
2 \times 3 ||| 6
6 \div 3 ||| 2
2 * 3 ||| 6
2+3 ||| 5
2+3 ||| 6
7-10 ||| -3
(2+3)\cdot 4 ||| 20
2+3\cdot 4 ||| 14
2+3\cdot 4 ||| 20
\frac{2+4}{3} ||| 2
5! ||| 120
4! ||| 24
\binom{5}{2} ||| 10
\binom{6}{3} ||| 20
\binom{6}{3} ||| 15
\sin(\pi/6) ||| \frac{1}{2}
\cos(0) ||| 1
\ln(e^2) ||| 2
x+1 ||| 1+x
X+1 ||| x+1
x^2-1 ||| (x-1)(x+1)
(x+1)^2 ||| x^2+2x+1
(x+1)^2 ||| x^2+1
2x+3 ||| 3+2x
2x+3 ||| 2x-3
\frac{x}{2} ||| 0.5x
x^{2} ||| x \cdot x
a+b ||| b+a
ab ||| ba
a^2+b^2 ||| b^2+a^2
a-b ||| b-a
3x^2 ||| 3x^{2}
\frac{1}{x} ||| x^{-1}
\frac{x+1}{2} ||| \frac{x}{2}+\frac{1}{2}
\frac{x+1}{2} ||| \frac{x+2}{2}
n(n+1) ||| n^2+n
\frac{n(n+1)}{2} ||| \frac{n^2+n}{2}
2^{n} ||| 2^n
2^{n+1} ||| 2 \cdot 2^{n}
x^3 ||| x^2
""",
"percent": r"""
50\% ||| 50\%
50\% ||| 0.5
50\% ||| 50
0.5 ||| 50\%
50 ||| 50\%
50\% ||| 5\%
50\% ||| 50.0
\frac{1}{2} ||| 50\%
25\% ||| \frac{1}{4}
25\% ||| 0.25
25\% ||| 25
25 ||| 0.25
12.5\% ||| 0.125
12.5\% ||| 12.5
3.5\% ||| 0.035
40\% ||| 40 \%
40\% ||| 40 percent
40 ||| 40\%
40 ||| 45\%
100\% ||| 1
100\% ||| 100
75\% ||| 0.7
""",
"text_units": r"""
10 ||| 10 \text{ cm}
10 ||| 10\text{ meters}
10 ||| 10 cm
10 ||| 10 \text{cm}^2
10 ||| 11 \text{ cm}
8 \text{ dollars} ||| 8
8 ||| \$8
\$8.50 ||| 8.5
\$8.50 ||| 8.05
5 \text{ units}^2 ||| 5
20 \mbox{ cm}^2 ||| 20
12 ||| 12 \text{ inches}
12 ||| 12 inches
3 ||| 3 \text{ hours}
3 ||| 4 \text{ hours}
15 ||| 15\text{ km}
60 ||| 60 \text{ mph}
7 ||| 7 \text{ apples}
90 ||| 90^\circ
90 ||| 90^{\circ}
90^\circ ||| 90
45^\circ ||| 45
45^\circ ||| 135^\circ
180 ||| 180^\circ
30 ||| 30 \text{ degrees}
\text{5} ||| 5
\textbf{5} ||| 5
\mathrm{5} ||| 5
""",
"form": r"""
x=5 ||| 5
5 ||| x=5
x=5 ||| x = 5
x=5 ||| y=5
x=5 ||| x=6
5 ||| x=6
y = 2x+3 ||| 2x+3
2x+3 ||| y=2x+3
y=2x+3 ||| y = 3+2x
y=2x+3 ||| y = 2x-3
x = 3+2 = 5 ||| 5
k = 12 ||| 12
12 ||| k=12
n = 4 ||| n=4
a = \frac{1}{2} ||| 0.5
\frac{1}{2} ||| a=0.5
x \in [1,2] ||| [1,2]
[1,2] ||| x \in [1,2]
x \in (0,3) ||| (0,3)
x \in (0,3) ||| [0,3]
5 ||| 5.
\left(1,2\right) ||| (1,2)
\left[1,2\right] ||| [1,2]
\left(\frac{1}{2}\right) ||| \frac{1}{2}
\displaystyle\frac{1}{2} ||| 0.5
\frac{1}{2} ||| \displaystyle \frac{1}{2}
\$5 ||| 5
5 ||| \$5
$5$ ||| 5
 42  ||| 42
42 ||| \; 42
3\,\text{m} ||| 3
""",
"interval": r"""
(1,2) ||| (1,2)
(1,2) ||| (1, 2)
(1,2) ||| [1,2]
[1,2] ||| (1,2)
[1,2] ||| [1,2]
(1,2] ||| (1,2]
(1,2] ||| [1,2)
[1,2) ||| [1,2)
(-\infty, 2] ||| (-\infty,2]
(-\infty, 2) ||| (-\infty,2]
(0,\infty) ||| (0, \infty)
(0,\infty) ||| [0,\infty)
[0,\infty) ||| [0, \infty)
(-\infty,\infty) ||| (-\infty, \infty)
[0,1)\cup(2,3] ||| [0,1) \cup (2,3]
[0,1)\cup(2,3] ||| [0,1] \cup (2,3]
(-\infty,-1)\cup(1,\infty) ||| (-\infty, -1) \cup (1, \infty)
(-\infty,-1)\cup(1,\infty) ||| (-\infty, 1) \cup (1, \infty)
[-\frac{1}{2}, 3] ||| [-0.5, 3]
[-\frac{1}{2}, 3] ||| [-0.5, 3)
(1,2) ||| 1,2
(1,2) ||| 2,1
[1,2] ||| 1,2
[1,2] ||| \{1,2\}
(1,2) ||| \{2,1\}
\{2,1\} ||| (1,2)
2,1 ||| (1,2)
[2, 5] ||| [2,5]
[2, 5] ||| [2,6]
(\frac{1}{3}, 1) ||| (0.333333, 1)
""",
"tuple": r"""
(1,2,3) ||| (1,2,3)
(1,2,3) ||| (3,2,1)
(1,2,3) ||| (1, 2, 3)
(1,2,3) ||| 1,2,3
1,2,3 ||| (1,2,3)
1,2,3 ||| (3,2,1)
(2,1) ||| (2,1)
(1,2) ||| (2,1)
(3,-1) ||| (3, -1)
(3,-1) ||| (-1, 3)
(\frac{1}{2}, 3) ||| (0.5, 3)
(1,2,3,4) ||| (1,2,3,4)
(1,2,3,4) ||| (1,2,4,3)
(0,0,0) ||| (0, 0, 0)
(2,3,-5) ||| (2, 3, 5)
(\sqrt{2}, 1) ||| (\sqrt{2}, 1)
""",
"set": r"""
\{1,2\} ||| \{2,1\}
\{1,2\} ||| \{1,2\}
\{1,2\} ||| \{1,3\}
\{1,2,3\} ||| \{3,1,2\}
\{1,2,3\} ||| \{1,2\}
\{1,2,3\} ||| (3,2,1)
\{5\} ||| 5
5 ||| \{5\}
5 ||| 5,5
1,2 ||| 2,1
1,2 ||| 1,3
2, 3 ||| 3, 2
-1, 1 ||| 1, -1
-1, 1 ||| \pm 1
\frac{1}{2}, 2 ||| 2, 0.5
\{-2, 2\} ||| \{2, -2\}
3, 5 ||| 3 \text{ and } 5
3, 5 ||| 3 and 5
3, 5 ||| 3, 4
\{\sqrt{2}, -\sqrt{2}\} ||| \{-\sqrt{2}, \sqrt{2}\}
1, 2, 3 ||| 1, 2, 3, 4
""",
"choice": r"""
B ||| B
B ||| (B)
B ||| \text{(B)}
B ||| \text{B}
B ||| b
(B) ||| B
\text{B} ||| B
\textbf{(C)} ||| C
C ||| \mathrm{C}
A ||| B
A ||| (C)
D ||| \text{(D)}
D ||| \text{(A)}
E ||| E
C ||| c
(A) ||| (A)
(A) ||| (B)
""",
"words": r"""
\text{yes} ||| yes
\text{Yes} ||| \text{yes}
yes ||| no
\text{no} ||| \text{No}
\text{Monday} ||| Monday
\text{Monday} ||| \text{Tuesday}
\text{even} ||| \text{even}
\text{even} ||| \text{odd}
""",
"adversarial": r"""
\frac{1}{3} ||| 0.3333
2 ||| 2.0000001
2 ||| 2.0
\frac{1}{2} ||| 0.5000001
\sqrt{3} ||| 1.732
\sqrt{3} ||| 1.732051
-0.0 ||| 0
+5 ||| 5
5 ||| 05
\frac{6}{4} ||| \frac{3}{2}
1.5 ||| \frac{3}{2}
3.0 ||| 3
-\sqrt{2} ||| \sqrt{2}
\frac{-\sqrt{2}}{2} ||| -\frac{\sqrt{2}}{2}
2^{1/2} ||| \sqrt{2}
(x+2)(x-3) ||| x^2-x-6
(x+2)(x-3) ||| x^2+x-6
\frac{1}{x+1} ||| (x+1)^{-1}
y=x^2 ||| y = x \cdot x
x=-2 ||| -2
x = -2 ||| 2
x=1, y=2 ||| (1,2)
5\% ||| 0.05
5\% ||| 5
5\% ||| 0.5
0.5\% ||| 0.005
200\% ||| 2
\text{no solution} ||| \text{No Solution}
\text{undefined} ||| \text{defined}
\textbf{(B)} ||| B
(b) ||| B
B ||| \text{Option B}
[1, \infty) ||| [1,\infty)
(-3, 3) ||| (-3,3]
(\frac{1}{2}, \frac{\sqrt{3}}{2}) ||| (0.5, 0.866025)
(\frac{1}{2}, \frac{\sqrt{3}}{2}) ||| (0.5, 0.866)
\{-1, 0, 1\} ||| \{0, -1, 1\}
\{1, 2\} ||| \{1, 2, 2\}
x \in \{1,2\} ||| \{1,2\}
2, -2 ||| \pm 2
\pm 2 ||| 2, -2
2^{100} ||| 1267650600228229401496703205376
2^{100} ||| 1267650600228229401496703205377
2^{200} ||| 1606938044258990275541962092341162602522202993782792835301376
\frac{1}{2}x ||| \frac{x}{2}
2\cdot 3^{2} ||| 18
-(-3) ||| 3
3! ||| 6
0.1+0.2 ||| 0.3
2\frac{3}{4} ||| 2.75
\frac{3}{2} ||| 1\frac{1}{2}
60^{\circ} ||| \frac{\pi}{3}
5\text{ m}^2 ||| 5
\$1,000 ||| 1000
1{,}000 \text{ dollars} ||| 1000
3 \text{ ft} ||| 3
12,345 ||| 12345
1,23 ||| 123
1,000.5 ||| 1000.5
\frac{\sqrt{6}}{3} ||| \sqrt{\frac{2}{3}}
\frac{\sqrt{6}}{3} ||| \sqrt{\frac{3}{2}}
4\sqrt{2} ||| 5.656854
4\sqrt{2} ||| 5.66
\frac{5}{12} ||| 0.416667
\frac{5}{12} ||| 0.41666
-\frac{3}{5} ||| -0.6
-\frac{3}{5} ||| 0.6
\frac{a}{b} ||| \frac{b}{a}
2x ||| x2
""",
"model_style": r"""
\frac{\sqrt{3}}{2} ||| \frac{1}{2}\sqrt{3}
3\sqrt{2} ||| 3 \sqrt 2
\frac{\sqrt{2}}{2} ||| \sqrt{2}/2
\frac{2}{3} ||| 2/3
\frac{2}{3} ||| \frac{4}{6}
-\frac{1}{3} ||| -1/3
-5 ||| - 5
5 ||| 5 \text{ apples}.
20 ||| \$20.00
20 ||| 20\%
C ||| (C) 12
\{1,2\} ||| \left\{1,2\right\}
\{1,2\} ||| [1,2]
1,2 ||| x=1 \text{ or } x=2
x=1 \text{ or } x=2 ||| 1,2
\frac{\pi}{6} ||| 30^\circ
3.14159 ||| \pi
2.50 ||| \frac{5}{2}
-\infty ||| -\infty
\frac{1}{2} ||| \frac{2}{4}
\frac{9}{4} ||| 2.25
\frac{9}{4} ||| 2\frac{1}{4}
\frac{9}{4} ||| 2.2
1.25 ||| \frac{5}{4}
1.25 ||| 1\frac{1}{4}
0.125 ||| \frac{1}{8}
\frac{1}{8} ||| 12.5\%
\frac{1}{8} ||| 0.13
1000 ||| 10^3
1000 ||| 1e3
6 ||| 3!
24 ||| 4 \cdot 3 \cdot 2
24 ||| 4 \times 3 \times 2 \times 1
-12 ||| -(12)
11 ||| 11.0
\sqrt{5} ||| 5^{1/2}
\sqrt{5} ||| 5^{0.5}
5^{\frac{1}{3}} ||| \sqrt[3]{5}
\frac{3\sqrt{3}}{4} ||| \frac{3}{4}\sqrt{3}
\frac{3\sqrt{3}}{4} ||| 1.299038
\frac{3\sqrt{3}}{4} ||| 1.3
4 - 2\sqrt{3} ||| (\sqrt{3}-1)^2
\frac{1}{2 + \sqrt{3}} ||| 2 - \sqrt{3}
36\pi ||| 36 \pi \text{ cm}^3
\frac{4}{3}\pi ||| \frac{4\pi}{3}
2\pi ||| 6.28
\text{A} ||| A
\text{(E)} ||| E
\textbf{(D)}\ 17 ||| D
""",
"matrix": r"""
\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix} ||| \begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}
\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix} ||| \begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix}
\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix} ||| \begin{pmatrix} 1 & 3 \\ 2 & 4 \end{pmatrix}
\begin{pmatrix} 1 \\ 2 \end{pmatrix} ||| (1,2)
\begin{pmatrix} 1 \\ 2 \end{pmatrix} ||| \begin{pmatrix} 1 \\ 2 \end{pmatrix}
\begin{pmatrix} 1/2 \\ -3 \end{pmatrix} ||| \begin{pmatrix} 0.5 \\ -3 \end{pmatrix}
\begin{pmatrix} \frac{1}{3} & 0 \\ 0 & 1 \end{pmatrix} ||| \begin{pmatrix} 0.333333 & 0 \\ 0 & 1 \end{pmatrix}
\begin{pmatrix} \frac{1}{3} & 0 \\ 0 & 1 \end{pmatrix} ||| \begin{pmatrix} 0.33 & 0 \\ 0 & 1 \end{pmatrix}
\begin{pmatrix} 1 \\ 2 \end{pmatrix} ||| \begin{pmatrix} 1 & 2 \end{pmatrix}
\begin{pmatrix} -1 \\ \sqrt{2} \\ 0 \end{pmatrix} ||| \begin{pmatrix} -1 \\ \sqrt{2} \\ 0 \end{pmatrix}
\begin{pmatrix} -1 \\ \sqrt{2} \\ 0 \end{pmatrix} ||| \begin{pmatrix} 1 \\ \sqrt{2} \\ 0 \end{pmatrix}
""",
"inequality": r"""
x > 5 ||| x>5
x > 5 ||| (5, \infty)
x > 5 ||| [5, \infty)
x > 5 ||| 5 < x
x > 5 ||| x < 5
x \ge 5 ||| [5, \infty)
x \ge 5 ||| x \geq 5
1 \le x \le 2 ||| [1,2]
1 \le x \le 2 ||| [1,2)
1 < x \le 2 ||| (1,2]
x < 3 ||| x \le 3
x < 3 ||| (-\infty, 3)
(5,\infty) ||| x > 5
x \le -2 ||| x \le -2
x \le -2 ||| x \leq -2.0
""",
# Written after the code, without running either side first, as a check of generalisation
# (agreement before any fix: 60 / 61; the miss, 11,\! 111, is fixed since).
"holdout": r"""
\frac{7}{25} ||| 0.28
\frac{7}{25} ||| \frac{14}{50}
\frac{7}{25} ||| 28\%
3\sqrt{3} ||| \sqrt{27}
3\sqrt{3} ||| 5.196152
3\sqrt{3} ||| 5.2
\frac{\sqrt{5}}{5} ||| \frac{1}{\sqrt{5}}
\frac{\sqrt{5}}{5} ||| \frac{\sqrt{5}}{4}
-\frac{7}{2} ||| -3.5
-\frac{7}{2} ||| 3.5
(3,-1) ||| (3, -1)
(3,-1) ||| (-1,3)
\left( 3, \frac{\pi}{2} \right) ||| (3, \frac{\pi}{2})
\left( 3, \frac{\pi}{2} \right) ||| (3, 1.570796)
[-2,7] ||| [-2, 7]
[-2,7] ||| (-2,7)
x^2+7x+10 ||| (x+2)(x+5)
x^2+7x+10 ||| (x+2)(x+4)
\text{Devon} ||| Devon
\text{Devon} ||| \text{Evan}
2\sqrt{2} ||| \sqrt{8}
\$18.90 ||| 18.9
\$18.90 ||| 18.09
10\% ||| 10
10\% ||| 0.1
11,\! 111 ||| 11111
\frac{1}{4} ||| 0.25
\frac{1}{4} ||| 25\%
\frac{1}{4} ||| 0.2
\pi ||| \pi
4\pi ||| 12.566371
4\pi ||| 12.57
\frac{9\pi}{2} ||| 4.5\pi
\frac{9\pi}{2} ||| 14.137167
1.5 ||| \frac{3}{2}
1.5 ||| 3/2
-1 ||| -1.0
-1 ||| 1
2, 3 ||| 3, 2
2, 3 ||| 2
\{-3, 3\} ||| -3, 3
\{-3, 3\} ||| \pm 3
\frac{5}{3} ||| 1\frac{2}{3}
\frac{5}{3} ||| 1.666667
\frac{5}{3} ||| 1.67
0 ||| 0.0
0 ||| \text{zero}
\infty ||| \infty
(-\infty, 0) ||| (-\infty,0)
(-\infty, 0) ||| (-\infty,0]
(0,1] ||| (0, 1]
y=-2x+4 ||| y = 4 - 2x
y=-2x+4 ||| -2x+4
y=-2x+4 ||| y=2x+4
C ||| \text{(C)}
C ||| (D)
6\sqrt{3} ||| \sqrt{108}
2^{12} ||| 4096
2^{12} ||| 4095
\sqrt[3]{4} ||| 4^{1/3}
\binom{10}{3} ||| 120
""",
}

# Predictions with an answer the extractor must find among distractors, or none at all.
EXTRACTION = [
    ("5", "First I tried \\boxed{3}, which fails the check.\n\nRedoing the computation carefully gives a different value, so the final answer is \\boxed{5}."),
    ("3", "First I tried \\boxed{3}, which fails the check.\n\nRedoing the computation carefully gives a different value, so the final answer is \\boxed{5}."),
    ("\\frac{1}{2}", "We need $\\frac{a}{b}$ with $a = 1$ and $b = 2$. Hence \\boxed{\\frac{1}{2}}."),
    ("\\frac{\\sqrt{3}}{2}", "Using $\\sin 60^\\circ$ we get \\boxed{\\frac{\\sqrt{3}}{2}}"),
    ("\\frac{\\sqrt{3}}{2}", "Using $\\sin 60^\\circ$ we get \\boxed{\\dfrac{\\sqrt{3}}{2}}."),
    ("\\frac{\\sqrt{3}}{2}", "So the answer is \\boxed{\\frac{\\sqrt{3}}{3}}."),
    ("1,2", "The roots are \\boxed{1} and \\boxed{2}."),
    ("1,2", "The roots are \\boxed{1}, \\boxed{2}"),
    ("2", "The roots are \\boxed{1} and \\boxed{2}."),
    ("12", "Area: \\fbox{12}", "math-verify's extraction regex looks for '\\boxed{' only; \\fbox is in the issue"),
    ("12", "Area is \\boxed {12}.", "math-verify's extraction regex needs '{' right after \\boxed; LaTeX allows a space"),
    ("{12}", "Answer: \\boxed{{12}}"),
    ("4", "I am not sure how to solve this problem."),
    ("4", "<think>I cannot finish this.</think>"),
    ("4", "The answer is \\boxed{}."),
    ("4", "<answer></answer>"),
    ("4", "<answer> 4 </answer>"),
    ("4", "<think>2+2</think> <answer>\\boxed{4}</answer>"),
    ("4", "<think>The answer is \\boxed{5}? no.</think><answer>4</answer>"),
    ("\\frac{1}{2}", "<think>Half of it.</think>\n<answer>$\\frac{1}{2}$</answer>"),
    ("(1,2)", "<think>An open interval.</think><answer>\\left( 1, 2 \\right)</answer>"),
    ("\\{1,2\\}", "Set: \\boxed{\\left\\{ 2, 1 \\right\\}}"),
    ("\\frac{1}{2}", "\\boxed{\\frac{1}{\\boxed{2}}}"),
    ("7", "We compute \\(3+4\\). \\[ \\boxed{7} \\]"),
    ("7", "$$\\boxed{7}$$"),
    ("\\sqrt{2}", "Therefore $\\boxed{\\sqrt{2}}$."),
    ("10000", "The total is \\boxed{10\\,000}.", "math-verify reads the thin space of 10\\,000 as a product (10*0); it is a thousands separator"),
    ("\\emptyset", "No value works, so the solution set is \\boxed{\\varnothing}.", "math-verify parses \\varnothing as a symbol, not the empty set"),
    ("2,-2", "So $x = \\boxed{2}$ or $x = \\boxed{-2}$."),
    ("-2", "So $x = \\boxed{2}$ or $x = \\boxed{-2}$."),
    ("42", "The answer is 42."),
    ("42", "After all that work we find that it equals 42"),
    ("6", "<answer>6</answer> <answer>7</answer>"),
    ("7", "<answer>6</answer> <answer>7</answer>"),
    ("\\frac{1}{2}", "<answer>\\boxed{\\frac{1}{2}}</answer>"),
    ("9", "\\boxed{9"),
    ("(1,2)", "Both coordinates: \\boxed{(1, 2)}"),
]

TEMPLATES = [
    "Let me work through this step by step.\nAfter simplifying, the answer is \\boxed{%s}.",
    "<think>\nCompute carefully, then check the result once more.\n</think>\n<answer>%s</answer>",
    "We first find $t = 3$, then substitute back.\nTherefore, the final answer is $\\boxed{%s}$",
    "<think>Quick check done.</think> <answer>%s</answer>",
]

# Pairs we accept on purpose and math-verify rejects: its known false negatives. Each has a reason.
MV_FALSE_NEGATIVE = {
    ("5", "5."): "trailing period: math-verify keeps '5.' and fails to parse it; a sentence-final period is not part of the answer",
    ("1.2e3", "1200"): "math-verify reads the 'e' of 1.2e3 as Euler's number (1.2*e*3); the issue asks for scientific notation",
    ("1200", "1.2e3"): "math-verify reads the 'e' of 1.2e3 as Euler's number (1.2*e*3); the issue asks for scientific notation",
    ("1000", "1e3"): "math-verify reads the 'e' of 1e3 as Euler's number (1*e*3); the issue asks for scientific notation",
    ("\\sqrt{5}", "5^{0.5}"): "math-verify keeps 5^{0.5} with a 53-bit float exponent; its 1e-16 difference from sqrt(5) is not chopped at 15 digits",
    ("2.5e-3", "0.0025"): "math-verify reads 2.5e-3 as 2.5*e - 3 (Euler's number); the issue asks for scientific notation",
}


def main():
    rows = []
    pairs = []
    for category, block in CASES.items():
        for line in block.strip("\n").split("\n"):
            gold, pred = (s.strip() for s in line.split("|||"))
            pairs.append((category, gold, pred))
    for i, (category, gold, pred) in enumerate(pairs):
        # Every pair in a boxed template, and every second one also in an <answer> template.
        styles = [TEMPLATES[(i // 2) % 2 * 2]]
        if i % 2 == 0:
            styles.append(TEMPLATES[1 + (i // 2) % 2 * 2])
        for template in styles:
            rows.append({"category": category, "gold": gold, "prediction": template % pred})
            if (gold, pred) in MV_FALSE_NEGATIVE:
                rows[-1]["mv_false_negative"] = MV_FALSE_NEGATIVE[(gold, pred)]
    for gold, prediction, *reason in EXTRACTION:
        rows.append({"category": "extraction", "gold": gold, "prediction": prediction})
        if reason:
            rows[-1]["mv_false_negative"] = reason[0]
    for n, row in enumerate(rows):
        print(json.dumps({"id": n, **row}, ensure_ascii=False))


if __name__ == "__main__":
    main()
