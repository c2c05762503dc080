// Evaluated by QuickJS (quickjs-wasi's quickjs.wasm) through
// tests/programs/quickjs_host (Wharf) and quickjs_node.mjs (Node), which both
// provide print() as a host function. Everything printed is deterministic.

// Classes, inheritance, getters, private fields, static members.
class Shape {
  static count = 0;
  #name;
  constructor(name) { this.#name = name; Shape.count++; }
  get name() { return this.#name; }
  area() { return 0; }
  toString() { return `${this.name}(${this.area().toFixed(2)})`; }
}
class Rect extends Shape {
  constructor(w, h) { super('rect'); this.w = w; this.h = h; }
  area() { return this.w * this.h; }
}
class Circle extends Shape {
  constructor(r) { super('circle'); this.r = r; }
  area() { return Math.PI * this.r ** 2; }
}
const shapes = [new Rect(3, 4), new Circle(1.5), new Rect(0.5, 10)];
shapes.sort((a, b) => a.area() - b.area());
print('shapes:', shapes.join(' '), 'count', Shape.count);

// Closures, generators, destructuring, spread, Map/Set.
function* fib() { let [a, b] = [0n, 1n]; for (;;) { yield a; [a, b] = [b, a + b]; } }
const fibs = [];
for (const f of fib()) { if (fibs.length === 90) break; fibs.push(f); }
print('fib(89):', fibs[89].toString(), 'bigint pow:', (2n ** 100n).toString());
const counter = (() => { let n = 0; return { inc: () => ++n, get: () => n }; })();
for (let i = 0; i < 5; i++) counter.inc();
const words = 'the quick brown fox jumps over the lazy dog the end'.split(' ');
const freq = new Map();
for (const w of words) freq.set(w, (freq.get(w) ?? 0) + 1);
const top = [...freq].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 3);
print('counter:', counter.get(), 'unique:', new Set(words).size, 'top:', JSON.stringify(top));

// JSON round trip, regular expressions, string and array methods.
const doc = JSON.parse('{"users":[{"id":1,"name":"Ada","tags":["math","eng"]},' +
                       '{"id":2,"name":"Linus","tags":["os"]},{"id":3,"name":"Grace","tags":["cobol","navy","eng"]}]}');
const eng = doc.users.filter(u => u.tags.includes('eng')).map(({ name }) => name);
print('eng:', eng.join(','), 'json:', JSON.stringify(doc.users[1], null, 0));
const log = '2024-01-15 ERROR disk full; 2024-02-03 WARN cpu hot; 2024-03-22 ERROR net down';
const errors = [...log.matchAll(/(\d{4})-(\d{2})-(\d{2}) ERROR ([^;]+)/g)].map(m => `${m[2]}/${m[3]}:${m[4]}`);
print('errors:', errors.join(' | '), 'replace:', 'a-b_c d'.replace(/[-_ ]/g, m => ({ '-': '+', '_': '*', ' ': '/' })[m]));
print('strings:', 'abc'.padStart(6, '.'), 'Wharf'.split('').reverse().join(''), '\u00e9t\u00e9'.normalize('NFD').length,
      [3, 1, 2].toSorted().join(''), [1, [2, [3, [4]]]].flat(Infinity).join(''));

// Typed arrays and a small numeric kernel (checksum of a sieve).
const N = 20000;
const sieve = new Uint8Array(N + 1);
let primes = 0, sum = 0;
for (let i = 2; i <= N; i++) {
  if (sieve[i]) continue;
  primes++; sum += i;
  for (let j = i * i; j <= N; j += i) sieve[j] = 1;
}
const f64 = new Float64Array([1.5, -2.25, 1e-3]);
const bytes = new Uint8Array(f64.buffer, 0, 8);
print('primes:', primes, 'sum:', sum, 'f64 bytes:', Array.from(bytes).join(','));

// Dates in UTC (no host timezone involved), Math, number formatting.
const d = new Date(Date.UTC(2024, 1, 29, 13, 45, 30));
print('date:', d.toISOString(), 'day:', d.getUTCDay(), 'plus1y:', new Date(d.getTime() + 366 * 864e5).toISOString().slice(0, 10));
print('math:', Math.hypot(3, 4), Math.trunc(-4.7), (0.1 + 0.2).toFixed(10), (255).toString(16), parseInt('777', 8), Number.MAX_SAFE_INTEGER);

// Errors, Proxy, Symbol, optional chaining.
try {
  null.x;
} catch (e) {
  print('caught:', e instanceof TypeError, e.constructor.name);
}
const seen = [];
const p = new Proxy({}, { get: (t, k) => (seen.push(String(k)), k === 'answer' ? 42 : undefined) });
// print() converting an object runs guest code from inside the host call.
print('custom:', { toString() { return `custom ${counter.get()}`; } }, [1, [2, 3]], { a: 1 }, null, undefined);
print('proxy:', p.answer, p.other?.deep, seen.join(','), 'symbol:', Symbol('tag').toString(), typeof Symbol.iterator);

// Promises and async functions: run by the host's pending-job loop.
async function delayedSum(xs) {
  let total = 0;
  for (const x of xs) total += await Promise.resolve(x);
  return total;
}
delayedSum([1, 2, 3, 4]).then(v => print('async sum:', v));
Promise.all([1, 2, 3].map(async x => x * x)).then(v => print('squares:', v.join(',')));
Promise.reject(new Error('handled')).catch(e => print('rejected:', e.message));

// The completion value is the script's result, printed by the host.
globalThis.answer = 6 * 7;
`done: ${shapes.length} shapes, ${primes} primes`;
