def collatz_len(start):
    n = start
    steps = 0
    while n != 1:
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
        steps = steps + 1
    return steps


def main():
    limit = 300000
    total = 0
    best = 0
    best_start = 1
    for i in range(1, limit):
        steps = collatz_len(i)
        total = total + steps
        if steps > best:
            best = steps
            best_start = i
    print("collatz", limit, total, best, best_start)


main()
