// Drawing a line across the network splits it in two: every server lies on one side of
// the (infinite) line through the two points the pointer went down and up at. The sign
// of the cross product says which; a server exactly on the line goes with the first side.

export interface Point {
  x: number;
  y: number;
}

export function sidesOfLine(points: ReadonlyArray<Point & { id: string }>, a: Point, b: Point): [string[], string[]] {
  const left: string[] = [];
  const right: string[] = [];
  for (const p of points) {
    const cross = (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x);
    (cross <= 0 ? left : right).push(p.id);
  }
  return [left.sort(), right.sort()];
}
