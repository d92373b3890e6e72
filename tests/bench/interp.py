def emit(code, op, a, b, c):
    code.append(op)
    code.append(a)
    code.append(b)
    code.append(c)


def run(code, regs):
    pc = 0
    steps = 0
    running = True
    while running:
        at = pc * 4
        op = code[at]
        a = code[at + 1]
        b = code[at + 2]
        c = code[at + 3]
        pc = pc + 1
        steps = steps + 1
        if op == 0:
            running = False
        elif op == 1:
            regs[a] = b
        elif op == 2:
            regs[a] = regs[b]
        elif op == 3:
            regs[a] = regs[b] + regs[c]
        elif op == 4:
            regs[a] = regs[b] - regs[c]
        elif op == 5:
            regs[a] = regs[b] * regs[c]
        elif op == 6:
            regs[a] = regs[b] % regs[c]
        elif op == 7:
            regs[a] = regs[b] + c
        elif op == 8:
            pc = a
        elif op == 9:
            if regs[a] < regs[b]:
                pc = c
        elif op == 10:
            if regs[a] == regs[b]:
                pc = c
        elif op == 11:
            if regs[a] != 0:
                pc = b
    return steps


def primes_program(limit):
    code = []
    emit(code, 1, 0, limit, 0)
    emit(code, 1, 1, 2, 0)
    emit(code, 1, 2, 0, 0)
    emit(code, 1, 3, 0, 0)
    emit(code, 1, 7, 0, 0)
    emit(code, 9, 1, 0, 7)
    emit(code, 0, 0, 0, 0)
    emit(code, 1, 4, 2, 0)
    emit(code, 5, 5, 4, 4)
    emit(code, 9, 1, 5, 14)
    emit(code, 6, 6, 1, 4)
    emit(code, 10, 6, 7, 16)
    emit(code, 7, 4, 4, 1)
    emit(code, 8, 8, 0, 0)
    emit(code, 7, 2, 2, 1)
    emit(code, 3, 3, 3, 1)
    emit(code, 7, 1, 1, 1)
    emit(code, 8, 5, 0, 0)
    return code


def lcg_program(rounds, seed):
    code = []
    emit(code, 1, 0, rounds, 0)
    emit(code, 1, 1, seed, 0)
    emit(code, 1, 2, 1103515245, 0)
    emit(code, 1, 5, 2147483648, 0)
    emit(code, 1, 6, 1000, 0)
    emit(code, 1, 7, 500, 0)
    emit(code, 1, 3, 0, 0)
    emit(code, 1, 4, 0, 0)
    emit(code, 5, 1, 1, 2)
    emit(code, 7, 1, 1, 12345)
    emit(code, 6, 1, 1, 5)
    emit(code, 6, 8, 1, 6)
    emit(code, 3, 3, 3, 8)
    emit(code, 9, 7, 8, 15)
    emit(code, 7, 4, 4, 1)
    emit(code, 7, 0, 0, -1)
    emit(code, 11, 0, 8, 0)
    emit(code, 0, 0, 0, 0)
    return code


def main():
    regs = [0] * 16
    steps1 = run(primes_program(50000), regs)
    print("primes", regs[2], regs[3], steps1)
    regs2 = [0] * 16
    steps2 = run(lcg_program(600000, 42), regs2)
    print("lcg", regs2[1], regs2[3], regs2[4], steps2)
    print("interp", steps1 + steps2)


main()
