def new_tree():
    return []


def build(nodes, depth):
    if depth == 0:
        nodes.append([-1, -1])
        return len(nodes) - 1
    left = build(nodes, depth - 1)
    right = build(nodes, depth - 1)
    nodes.append([left, right])
    return len(nodes) - 1


def check(nodes, i):
    node = nodes[i]
    if node[0] < 0:
        return 1
    return 1 + check(nodes, node[0]) + check(nodes, node[1])


def make_and_check(depth):
    nodes = new_tree()
    root = build(nodes, depth)
    return check(nodes, root)


def main():
    min_depth = 4
    max_depth = 14
    stretch = max_depth + 1
    print("stretch tree of depth", stretch, "check:", make_and_check(stretch))
    long_lived = new_tree()
    long_root = build(long_lived, max_depth)
    depth = min_depth
    while depth <= max_depth:
        iterations = 1 << (max_depth - depth + min_depth)
        total = 0
        for _i in range(0, iterations):
            total = total + make_and_check(depth)
        print(iterations, "trees of depth", depth, "check:", total)
        depth = depth + 2
    print("long lived tree of depth", max_depth, "check:", check(long_lived, long_root))


main()
