def zero():
    return 17


def inc(x):
    return x + 1


def add(a, b):
    return a + b


def mix(a, b, c):
    return (a * 31 + b * 17 + c) % 1000003


def clamp4(v, lo, hi, dflt):
    if v < lo:
        return dflt
    if v > hi:
        return hi
    return v


def sum6(a, b, c, d, e, f):
    return a + b + c + d + e + f


def poly8(x, c0, c1, c2, c3, c4, c5, c6):
    return ((((((c6 * x + c5) * x + c4) * x + c3) * x + c2) * x + c1) * x + c0) % 999983


def twice(x):
    return add(x, x)


def step(i, acc):
    a = mix(inc(i), acc, zero())
    b = clamp4(a % 1000, 100, 900, twice(i % 50))
    c = sum6(a, b, inc(b), i % 7, add(i, 3), 1)
    return poly8(c % 97, a % 10, b % 10, 1, 2, 3, inc(i % 5), 7)


def main():
    n = 2000000
    acc = 1
    check = 0
    for i in range(0, n):
        acc = step(i, acc)
        check = (check + acc) % 1000000007
    print("calls", n, acc, check)


main()
