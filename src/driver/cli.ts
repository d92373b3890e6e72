export async function main(argv: string[]): Promise<void> {
  console.log('bpjit', argv);
}
