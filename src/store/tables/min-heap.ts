// A binary min-heap on `at`: the outbox's finished messages, oldest first, so retention pops what it
// deletes in O(log n) without scanning the table.
export interface Due {
  at: number;
  id: string;
}

export class MinHeap {
  private readonly h: Due[] = [];

  get size(): number {
    return this.h.length;
  }

  peek(): Due | undefined {
    return this.h[0];
  }

  push(d: Due): void {
    const h = this.h;
    let i = h.push(d) - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p]!.at <= d.at) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = d;
  }

  pop(): Due | undefined {
    const h = this.h;
    const top = h[0];
    const last = h.pop();
    if (!h.length || !last) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const c = r < h.length && h[r]!.at < h[l]!.at ? r : l;
      if (h[c]!.at >= last.at) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
    return top;
  }
}
