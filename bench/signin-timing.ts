/**
 * npx tsx --conditions=react-server bench/signin-timing.ts — wall-clock cost of the sign-in failure paths'
 * password work: a wrong password (argon2id verify against the person's hash) and an unknown email
 * (verify against the dummy hash). The test suite proves the two do the same work by counting
 * verifications and their parameters (signin-core.test.ts); this prints the time, which only means
 * something on a quiet machine. BENCH_ROUNDS [25].
 */
import { hashPassword, verifyPassword } from "../src/server/auth/password";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 25);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const stored = await hashPassword("the-real-password-of-someone");
  await verifyPassword(null, "warm-up"); // builds the dummy hash once
  const wrong: number[] = [];
  const unknown: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    let t = performance.now();
    await verifyPassword(stored, "wrong-password");
    wrong.push(performance.now() - t);
    t = performance.now();
    await verifyPassword(null, "wrong-password");
    unknown.push(performance.now() - t);
  }
  const [w, u] = [median(wrong), median(unknown)];
  console.log("| path | median ms | rounds |\n|---|---|---|");
  console.log(`| wrong password | ${w.toFixed(1)} | ${ROUNDS} |\n| unknown email | ${u.toFixed(1)} | ${ROUNDS} |`);
  console.log(`difference: ${((Math.abs(w - u) / Math.max(w, u)) * 100).toFixed(1)} %`);
}

void main();
