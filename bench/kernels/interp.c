// A small stack-based bytecode VM (switch dispatch, call frames, locals, a
// data memory) running a program assembled at startup: Collatz step counts,
// recursive Fibonacci and a memory histogram pass.
#include "common.h"

#define COLLATZ_N BENCH_SIZE(300000, 30000)
#define FIB_N BENCH_SIZE(27, 22)
#define HIST_N BENCH_SIZE(3000000, 300000)

enum {
  OP_HALT,
  OP_PUSH,    // imm
  OP_LOADL,   // local index
  OP_STOREL,  // local index
  OP_ADD,
  OP_SUB,
  OP_MUL,
  OP_AND,
  OP_XOR,
  OP_SHL,
  OP_SHRU,
  OP_LT,
  OP_EQ,
  OP_JMP,  // target
  OP_JZ,   // target
  OP_JNZ,  // target
  OP_DUP,
  OP_DROP,
  OP_CALL,  // target, nargs, nlocals
  OP_RET,
  OP_LOADM,   // addr -> mem[addr & MEM_MASK]
  OP_STOREM,  // addr value ->
};

#define CODE_MAX 1024
#define STACK_MAX 4096
#define LOCALS_MAX 65536
#define FRAMES_MAX 4096
#define MEM_WORDS 1024
#define MEM_MASK (MEM_WORDS - 1)

static int64_t code[CODE_MAX];
static int code_len;
static int64_t stack[STACK_MAX];
static int64_t locals[LOCALS_MAX];
static int64_t mem[MEM_WORDS];
static struct {
  int64_t ret_pc, fp;
} frames[FRAMES_MAX];

static void op0(int64_t op) { code[code_len++] = op; }
static void op1(int64_t op, int64_t a) {
  code[code_len++] = op;
  code[code_len++] = a;
}
static int here(void) { return code_len; }
// Emits a jump with a placeholder target; returns the slot to patch.
static int jump(int64_t op) {
  op1(op, -1);
  return code_len - 1;
}
static void patch(int slot, int target) { code[slot] = target; }

static int64_t execute(int64_t entry) {
  int64_t pc = entry, sp = 0, fp = 0, lp = 2, fr = 0;  // main owns locals[0..1]
  for (;;) {
    int64_t op = code[pc++];
    switch (op) {
      case OP_HALT: return stack[sp - 1];
      case OP_PUSH: stack[sp++] = code[pc++]; break;
      case OP_LOADL: stack[sp++] = locals[fp + code[pc++]]; break;
      case OP_STOREL: locals[fp + code[pc++]] = stack[--sp]; break;
      case OP_ADD:
        --sp;
        stack[sp - 1] += stack[sp];
        break;
      case OP_SUB:
        --sp;
        stack[sp - 1] -= stack[sp];
        break;
      case OP_MUL:
        --sp;
        stack[sp - 1] *= stack[sp];
        break;
      case OP_AND:
        --sp;
        stack[sp - 1] &= stack[sp];
        break;
      case OP_XOR:
        --sp;
        stack[sp - 1] ^= stack[sp];
        break;
      case OP_SHL:
        --sp;
        stack[sp - 1] = (int64_t)((uint64_t)stack[sp - 1] << (stack[sp] & 63));
        break;
      case OP_SHRU:
        --sp;
        stack[sp - 1] = (int64_t)((uint64_t)stack[sp - 1] >> (stack[sp] & 63));
        break;
      case OP_LT:
        --sp;
        stack[sp - 1] = stack[sp - 1] < stack[sp];
        break;
      case OP_EQ:
        --sp;
        stack[sp - 1] = stack[sp - 1] == stack[sp];
        break;
      case OP_JMP: pc = code[pc]; break;
      case OP_JZ: pc = stack[--sp] == 0 ? code[pc] : pc + 1; break;
      case OP_JNZ: pc = stack[--sp] != 0 ? code[pc] : pc + 1; break;
      case OP_DUP:
        stack[sp] = stack[sp - 1];
        ++sp;
        break;
      case OP_DROP: --sp; break;
      case OP_CALL: {
        int64_t target = code[pc], nargs = code[pc + 1], nlocals = code[pc + 2];
        frames[fr].ret_pc = pc + 3;
        frames[fr].fp = fp;
        ++fr;
        fp = lp;
        sp -= nargs;
        for (int64_t i = 0; i < nargs; ++i) locals[fp + i] = stack[sp + i];
        for (int64_t i = nargs; i < nlocals; ++i) locals[fp + i] = 0;
        lp = fp + nlocals;
        pc = target;
        break;
      }
      case OP_RET:
        lp = fp;
        --fr;
        pc = frames[fr].ret_pc;
        fp = frames[fr].fp;
        break;
      case OP_LOADM: stack[sp - 1] = mem[stack[sp - 1] & MEM_MASK]; break;
      case OP_STOREM:
        sp -= 2;
        mem[stack[sp] & MEM_MASK] = stack[sp + 1];
        break;
      default: return -1;  // corrupt program
    }
  }
}

// Assembles the program; returns the entry point of main.
static int assemble(void) {
  code_len = 0;
  // collatz(n): local0 = n, local1 = steps
  int collatz = here();
  int top = here();
  op1(OP_LOADL, 0);
  op1(OP_PUSH, 1);
  op0(OP_EQ);
  int to_done = jump(OP_JNZ);
  op1(OP_LOADL, 0);
  op1(OP_PUSH, 1);
  op0(OP_AND);
  int to_odd = jump(OP_JNZ);
  op1(OP_LOADL, 0);  // even: n >>= 1
  op1(OP_PUSH, 1);
  op0(OP_SHRU);
  op1(OP_STOREL, 0);
  int to_count = jump(OP_JMP);
  patch(to_odd, here());  // odd: n = 3n + 1
  op1(OP_LOADL, 0);
  op1(OP_PUSH, 3);
  op0(OP_MUL);
  op1(OP_PUSH, 1);
  op0(OP_ADD);
  op1(OP_STOREL, 0);
  patch(to_count, here());
  op1(OP_LOADL, 1);
  op1(OP_PUSH, 1);
  op0(OP_ADD);
  op1(OP_STOREL, 1);
  op1(OP_JMP, top);
  patch(to_done, here());
  op1(OP_LOADL, 1);
  op0(OP_RET);

  // fib(n): n < 2 ? n : fib(n - 1) + fib(n - 2)
  int fib = here();
  op1(OP_LOADL, 0);
  op1(OP_PUSH, 2);
  op0(OP_LT);
  int to_rec = jump(OP_JZ);
  op1(OP_LOADL, 0);
  op0(OP_RET);
  patch(to_rec, here());
  op1(OP_LOADL, 0);
  op1(OP_PUSH, 1);
  op0(OP_SUB);
  op1(OP_CALL, fib);
  op0(1);
  op0(1);
  op1(OP_LOADL, 0);
  op1(OP_PUSH, 2);
  op0(OP_SUB);
  op1(OP_CALL, fib);
  op0(1);
  op0(1);
  op0(OP_ADD);
  op0(OP_RET);

  // main: local0 = i, local1 = total
  int entry = here();
  op1(OP_PUSH, 1);
  op1(OP_STOREL, 0);
  int loop = here();
  op1(OP_LOADL, 0);
  op1(OP_PUSH, COLLATZ_N);
  op0(OP_LT);
  int to_fib = jump(OP_JZ);
  op1(OP_LOADL, 1);
  op1(OP_LOADL, 0);
  op1(OP_CALL, collatz);
  op0(1);
  op0(2);
  op0(OP_ADD);
  op1(OP_STOREL, 1);
  op1(OP_LOADL, 0);
  op1(OP_PUSH, 1);
  op0(OP_ADD);
  op1(OP_STOREL, 0);
  op1(OP_JMP, loop);
  patch(to_fib, here());
  op1(OP_LOADL, 1);  // total = (total << 20) ^ fib(FIB_N)
  op1(OP_PUSH, 20);
  op0(OP_SHL);
  op1(OP_PUSH, FIB_N);
  op1(OP_CALL, fib);
  op0(1);
  op0(1);
  op0(OP_XOR);
  op1(OP_STOREL, 1);
  // Histogram: for i in 0..HIST_N: mem[i * 7 ^ total] += i
  op1(OP_PUSH, 0);
  op1(OP_STOREL, 0);
  int hist = here();
  op1(OP_LOADL, 0);
  op1(OP_PUSH, 7);
  op0(OP_MUL);
  op1(OP_LOADL, 1);
  op0(OP_XOR);
  op0(OP_DUP);
  op0(OP_LOADM);
  op1(OP_LOADL, 0);
  op0(OP_ADD);
  op0(OP_STOREM);
  op1(OP_LOADL, 0);
  op1(OP_PUSH, 1);
  op0(OP_ADD);
  op0(OP_DUP);
  op1(OP_STOREL, 0);
  op1(OP_PUSH, HIST_N);
  op0(OP_LT);
  op1(OP_JNZ, hist);
  // Fold the memory into total: for i in 0..MEM_WORDS: total = total * 31 + mem[i]
  op1(OP_PUSH, 0);
  op1(OP_STOREL, 0);
  int fold = here();
  op1(OP_LOADL, 1);
  op1(OP_PUSH, 31);
  op0(OP_MUL);
  op1(OP_LOADL, 0);
  op0(OP_LOADM);
  op0(OP_ADD);
  op1(OP_STOREL, 1);
  op1(OP_LOADL, 0);
  op1(OP_PUSH, 1);
  op0(OP_ADD);
  op0(OP_DUP);
  op1(OP_STOREL, 0);
  op1(OP_PUSH, MEM_WORDS);
  op0(OP_LT);
  op1(OP_JNZ, fold);
  op1(OP_LOADL, 1);
  op0(OP_HALT);
  return entry;
}

EXPORT int64_t run(void) {
  int entry = assemble();
  for (int i = 0; i < MEM_WORDS; ++i) mem[i] = 0;
  locals[0] = locals[1] = 0;
  return execute(entry);
}
