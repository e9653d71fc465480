// The server part of an identifier: everything after the first colon.

export function domainOf(id: string): string {
  const colon = id.indexOf(":");
  return colon < 0 ? "" : id.slice(colon + 1);
}
