/**
 * A Fetch API response's body, read only up to a cap: refused from Content-Length when it says
 * more, else as soon as more arrives — a remote service's answer never takes more memory than that.
 */

/** The body's bytes, or undefined when it is larger than `maxBytes` (the rest is not read). Rejects as the body stream does (a time-out, a broken connection). */
export async function readCapped(res: Response, maxBytes: number): Promise<Buffer | undefined> {
  const refuse = () => {
    void res.body?.cancel().catch(() => {});
    return undefined;
  };
  if (Number(res.headers.get('content-length')) > maxBytes) return refuse();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of (res.body ?? []) as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > maxBytes) return refuse();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
