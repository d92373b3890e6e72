/* The same five structs, pairs and order of floating-point operations as nbody.bp. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>

typedef struct { double x, y, z, vx, vy, vz, mass; } Body;

static Body body(double x, double y, double z, double vx, double vy, double vz, double mass) {
    double days_per_year = 365.24;
    double solar_mass = 4.0 * 3.141592653589793 * 3.141592653589793;
    Body b = {x, y, z, vx * days_per_year, vy * days_per_year, vz * days_per_year, mass * solar_mass};
    return b;
}

static void pair(Body *a, Body *b, double dt) {
    double dx = a->x - b->x;
    double dy = a->y - b->y;
    double dz = a->z - b->z;
    double d2 = dx * dx + dy * dy + dz * dz;
    double mag = dt / (d2 * sqrt(d2));
    double bm = b->mass * mag;
    a->vx = a->vx - dx * bm;
    a->vy = a->vy - dy * bm;
    a->vz = a->vz - dz * bm;
    double am = a->mass * mag;
    b->vx = b->vx + dx * am;
    b->vy = b->vy + dy * am;
    b->vz = b->vz + dz * am;
}

static void move(Body *b, double dt) {
    b->x = b->x + dt * b->vx;
    b->y = b->y + dt * b->vy;
    b->z = b->z + dt * b->vz;
}

static void advance(Body *s, Body *j, Body *a, Body *u, Body *n, double dt) {
    pair(s, j, dt);
    pair(s, a, dt);
    pair(s, u, dt);
    pair(s, n, dt);
    pair(j, a, dt);
    pair(j, u, dt);
    pair(j, n, dt);
    pair(a, u, dt);
    pair(a, n, dt);
    pair(u, n, dt);
    move(s, dt);
    move(j, dt);
    move(a, dt);
    move(u, dt);
    move(n, dt);
}

static double kinetic(const Body *b) { return 0.5 * b->mass * (b->vx * b->vx + b->vy * b->vy + b->vz * b->vz); }

static double potential(const Body *a, const Body *b) {
    double dx = a->x - b->x;
    double dy = a->y - b->y;
    double dz = a->z - b->z;
    return a->mass * b->mass / sqrt(dx * dx + dy * dy + dz * dz);
}

static double energy(Body *s, Body *j, Body *a, Body *u, Body *n) {
    double e = kinetic(s) + kinetic(j) + kinetic(a) + kinetic(u) + kinetic(n);
    e = e - potential(s, j) - potential(s, a) - potential(s, u) - potential(s, n);
    e = e - potential(j, a) - potential(j, u) - potential(j, n);
    return e - potential(a, u) - potential(a, n) - potential(u, n);
}

static void momentum(Body *s, Body *j, Body *a, Body *u, Body *n) {
    double px = j->vx * j->mass + a->vx * a->mass + u->vx * u->mass + n->vx * n->mass;
    double py = j->vy * j->mass + a->vy * a->mass + u->vy * u->mass + n->vy * n->mass;
    double pz = j->vz * j->mass + a->vz * a->mass + u->vz * u->mass + n->vz * n->mass;
    s->vx = 0.0 - px / s->mass;
    s->vy = 0.0 - py / s->mass;
    s->vz = 0.0 - pz / s->mass;
}

int main(void) {
    int64_t steps = 400000;
    double dt = 0.01;
    Body s = body(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0);
    Body j = body(4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01, 1.66007664274403694e-03, 7.69901118419740425e-03, -6.90460016972063023e-05, 9.54791938424326609e-04);
    Body a = body(8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01, -2.76742510726862411e-03, 4.99852801234917238e-03, 2.30417297573763929e-05, 2.85885980666130812e-04);
    Body u = body(1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01, 2.96460137564761618e-03, 2.37847173959480950e-03, -2.96589568540237556e-05, 4.36624404335156298e-05);
    Body n = body(1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01, 2.68067772490389322e-03, 1.62824170038242295e-03, -9.51592254519715870e-05, 5.15138902046611451e-05);
    momentum(&s, &j, &a, &u, &n);
    double e0 = energy(&s, &j, &a, &u, &n);
    for (int64_t i = 0; i < steps; i++) advance(&s, &j, &a, &u, &n, dt);
    double e1 = energy(&s, &j, &a, &u, &n);
    printf("nbody %lld %g %g %lld %lld\n", (long long)steps, e0, e1, (long long)(e0 * 1000000000.0), (long long)(e1 * 1000000000.0));
    printf("jupiter %g %g %g\n", j.x, j.y, j.z);
    return 0;
}
