#!/usr/bin/env python3
"""Generates adversarial modules for the load-time benchmark (bench/load.sh).

Each shape is a valid module of about the requested size whose load work
would grow faster than its size if some load pass (decode, validate,
compile, instantiate) were superlinear in it:

  gen_load_shapes.py SHAPE MEGABYTES OUT.wasm
  gen_load_shapes.py --list

Every module exports a function "run" (taking no arguments, returning
nothing or an i32) so that `wharf run --invoke run` also runs it.
"""
import sys


def uleb(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def sleb(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if (n == 0 and not b & 0x40) or (n == -1 and b & 0x40):
            out.append(b)
            return bytes(out)
        out.append(b | 0x80)


def vec(items):
    return uleb(len(items)) + b"".join(items)


def name(s):
    b = s.encode()
    return uleb(len(b)) + b


def section(sid, payload):
    return bytes([sid]) + uleb(len(payload)) + payload


I32, I64, F32, F64 = 0x7F, 0x7E, 0x7D, 0x7C
END, DROP = b"\x0b", b"\x1a"


def functype(params, results):
    return b"\x60" + vec([bytes([t]) for t in params]) + vec([bytes([t]) for t in results])


def local_get(i):
    return b"\x20" + uleb(i)


def local_set(i):
    return b"\x21" + uleb(i)


def i32_const(v):
    return b"\x41" + sleb(v)


def code_entry(locals_, body):
    """locals_: [(count, type)]; body: bytes without the final end."""
    b = vec([uleb(n) + bytes([t]) for n, t in locals_]) + body + END
    return uleb(len(b)) + b


def module(types, funcs, bodies, exports=(), imports=(), extra=(), memory=None, table=None,
           elems=None, datas=None, customs=()):
    """funcs: type index per defined function; bodies: code entries."""
    out = bytearray(b"\x00asm\x01\x00\x00\x00")
    out += section(1, vec(types))
    if imports:
        out += section(2, vec(list(imports)))
    out += section(3, vec([uleb(t) for t in funcs]))
    if table is not None:
        out += section(4, vec([b"\x70\x00" + uleb(table)]))
    if memory is not None:
        out += section(5, vec([b"\x00" + uleb(memory)]))
    out += section(7, vec(list(exports)))
    if elems is not None:
        out += section(9, vec(elems))
    out += section(10, vec(bodies))
    if datas is not None:
        out += section(11, vec(datas))
    for c in customs:
        out += section(0, c)
    return bytes(out)


def export_func(n, i):
    return name(n) + b"\x00" + uleb(i)


def one_function(body, locals_=((1, I32),), results=()):
    """A module whose only function is `run` with this body."""
    return module([functype([], list(results))], [0], [code_entry(list(locals_), body)],
                  [export_func("run", 0)])


# ---- shapes -------------------------------------------------------------


def stack_then_sets(size):
    # N values on the stack, then M "(i32.const 1) (local.set 0)": the issue's
    # shape (each local.set used to scan the whole stack).
    n = size // 30
    m = (size - 3 * n) // 4
    return one_function(i32_const(1) * n + (i32_const(1) + local_set(0)) * m + DROP * n)


def stack_then_tees(size):
    # N references to local 0 on the stack, then M "local.tee 1; drop":
    # each write of a local that is not referenced still used to scan.
    n = size // 30
    m = (size - 3 * n) // 5
    body = local_get(0) * n + (i32_const(1) + b"\x22\x01" + DROP) * m + DROP * n
    return one_function(i32_const(7) + local_set(0) + body, locals_=((2, I32),))


def stack_then_blocks(size):
    # N values on the stack, then M empty blocks (each block used to scan the
    # stack for deferred local.gets).
    n = size // 30
    m = (size - 3 * n) // 3
    return one_function(local_get(0) * n + b"\x02\x40\x0b" * m + DROP * n)


def stack_then_calls(size):
    # N values, then M calls of an i32 -> i32 function: every call argument
    # used to re-sum the stack height below it.
    n = size // 30
    m = (size - 3 * n) // 2
    types = [functype([], []), functype([I32], [I32])]
    run = code_entry([], i32_const(1) * n + i32_const(1) + b"\x10\x01" * m + DROP * (n + 1))
    ident = code_entry([], local_get(0))
    return module(types, [0, 1], [run, ident], [export_func("run", 0)])


def deep_nesting(size):
    # D nested blocks, each with a value of its own below it.
    d = size // 8
    body = (local_get(0) + b"\x02\x40") * d + (END + DROP) * d
    return one_function(body)


def br_table_wide(size):
    # One br_table with very many targets to labels whose value needs a copy.
    n = size - 64
    body = (b"\x02\x7f" + b"\x02\x7f" + i32_const(5) + local_get(0) + b"\x0e" + uleb(n) +
            b"\x00\x01" * (n // 2) + b"\x00" * (n - 2 * (n // 2)) + b"\x00" + END + END + DROP)
    return one_function(body)


def br_tables(size):
    # Many br_tables, each branching (with a value) to the same few labels.
    k = 8
    one = i32_const(5) + local_get(0) + b"\x0e" + uleb(k) + bytes(range(k)) + b"\x00"
    per = len(one) + 4
    m = size // per
    body = b""
    blocks = b"\x02\x7f" * k
    inner = (b"\x02\x7f" + one + END + DROP) * m
    body = blocks + inner + (i32_const(0) + END + DROP) * k
    return one_function(body)


def many_types(size):
    # As many distinct function types as fit (all signatures of growing
    # length over i32/i64/f32/f64).
    types = []
    total = 0
    length = 1
    while total < size - 64:
        for code in range(4 ** length):
            ps = [(I32, I64, F32, F64)[(code >> (2 * k)) & 3] for k in range(length)]
            t = functype(ps, [])
            types.append(t)
            total += len(t)
            if total >= size - 64:
                break
        length += 1
    return module([functype([], [])] + types, [0], [code_entry([], b"")], [export_func("run", 0)])


def many_functions(size):
    # Tiny functions, each calling the next.
    n = size // 8
    bodies = [code_entry([], b"\x10" + uleb(i + 1) if i + 1 < n else b"") for i in range(n)]
    return module([functype([], [])], [0] * n, bodies, [export_func("run", 0)])


def many_locals(size):
    # Tiny functions each declaring the most locals allowed (50000).
    n = size // 9
    body = code_entry([(50000, I64)], local_get(49999) + DROP)
    return module([functype([], [])], [0] * n, [body] * n, [export_func("run", 0)])


def many_params(size):
    # Tiny functions of a type with 1000 parameters, each reading the last.
    n = (size - 1100) // 7
    types = [functype([], []), functype([I32] * 1000, [])]
    bodies = [code_entry([], b"")] + [code_entry([], local_get(999) + DROP)] * n
    return module(types, [0] + [1] * n, bodies, [export_func("run", 0)])


def block_params(size):
    # 1000 values passed through a chain of blocks of type [i32 x 1000] ->
    # [i32 x 1000]: the most work an instruction of a few bytes may cause.
    types = [functype([], []), functype([I32] * 1000, [I32] * 1000)]
    m = (size - 5000) // 3
    body = i32_const(1) * 1000 + b"\x02\x01\x0b" * m + DROP * 1000
    return module(types, [0], [code_entry([], body)], [export_func("run", 0)])


def if_params(size):
    # Ifs one after the other, each passing 1000 values through: each needs
    # room to keep its parameters for an else arm, but only until its end.
    types = [functype([], []), functype([I32] * 1000, [I32] * 1000)]
    m = (size - 5000) // 5
    body = i32_const(1) * 1000 + (local_get(0) + b"\x04\x01\x0b") * m + DROP * 1000
    return module(types, [0], [code_entry([(1, I32)], body)], [export_func("run", 0)])


def v128_consts(size):
    # Distinct v128 constants whose halves are chosen so that a hash of the
    # form lo * K ^ hi is the same for all of them.
    K = 0x9E3779B97F4A7C15
    n = size // 19
    parts = []
    for i in range(n):
        lo = i + 1
        hi = ((lo * K) & 0xFFFFFFFFFFFFFFFF) ^ 0x5555
        parts.append(b"\xfd\x0c" + lo.to_bytes(8, "little") + hi.to_bytes(8, "little") + DROP)
    return one_function(b"".join(parts))


def i64_consts(size):
    # Distinct i64 constants, each used once.
    n = size // 11
    body = b"".join(b"\x42" + sleb((i * 0x9E3779B97F4A7C15 & 0xFFFFFFFFFFFF) - (1 << 46)) + DROP
                    for i in range(n))
    return one_function(body)


def many_exports(size):
    n = size // 12
    exports = [export_func("run", 0)] + [export_func("e%07d" % i, 0) for i in range(n)]
    return module([functype([], [])], [0], [code_entry([], b"")], exports)


def many_imports(size):
    # fd_write imports (WASI provides them), each named differently only by
    # module name would not resolve; use the same import many times.
    n = size // 40
    imp = name("wasi_snapshot_preview1") + name("sched_yield") + b"\x00\x01"
    types = [functype([], []), functype([], [I32])]
    return module(types, [0], [code_entry([], b"")], [export_func("run", n)], imports=[imp] * n)


def names(size):
    # A name section naming function indices that are all multiples of
    # 42043, a bucket count of libstdc++'s hash tables for 20753 to 42043
    # entries, then naming the same ones again and again.
    n = size // 9
    entries = [uleb((i % 40000) * 42043) + name("f%d" % (i % 10)) for i in range(n)]
    sub = vec(entries)
    payload = name("name") + b"\x01" + uleb(len(sub)) + sub
    return module([functype([], [])], [0], [code_entry([], b"")], [export_func("run", 0)],
                  customs=[payload])


def many_elems(size):
    # Active element segments of one function index each.
    n = size // 6
    seg = b"\x00" + i32_const(0) + END + vec([uleb(0)])
    return module([functype([], [])], [0], [code_entry([], b"")], [export_func("run", 0)], table=1,
                  elems=[seg] * n)


def many_datas(size):
    # Active data segments of one byte each.
    n = size // 7
    seg = b"\x00" + i32_const(0) + END + vec([b"\x2a"])
    return module([functype([], [])], [0], [code_entry([], b"")], [export_func("run", 0)], memory=1,
                  datas=[seg] * n)


def if_else_chain(size):
    # A long chain of if/else with a value each, nested in the else arms.
    d = size // 12
    body = (local_get(0) + b"\x04\x7f" + i32_const(1) + b"\x05") * d + i32_const(2) + END * d + DROP
    return one_function(body)


SHAPES = {f.__name__: f for f in [
    stack_then_sets, stack_then_tees, stack_then_blocks, stack_then_calls, deep_nesting,
    br_table_wide, br_tables, if_else_chain, many_types, many_functions, many_locals, many_params,
    block_params, if_params, v128_consts, i64_consts, many_exports, many_imports, names, many_elems, many_datas,
]}


def main():
    if len(sys.argv) == 2 and sys.argv[1] == "--list":
        print("\n".join(SHAPES))
        return
    if len(sys.argv) != 4 or sys.argv[1] not in SHAPES:
        sys.exit("usage: gen_load_shapes.py SHAPE MEGABYTES OUT.wasm | --list")
    data = SHAPES[sys.argv[1]](int(float(sys.argv[2]) * (1 << 20)))
    with open(sys.argv[3], "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main()
