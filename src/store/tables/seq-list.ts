// An index list of outbox seqs in increasing order. Removal is lazy: readers skip seqs no longer live, and
// the list is compacted once half of it is dead, so pruning the oldest rows costs O(1) amortised instead
// of a splice through a list as long as the history.
export class SeqList {
  private seqs: number[] = [];
  private dead = 0;
  /** Entries still live (inserted and not dropped). */
  live = 0;

  /** Near the end in practice (seqs grow); a seq already present (undo of a delete) is not added twice. */
  insert(seq: number): void {
    let i = this.seqs.length;
    while (i > 0 && this.seqs[i - 1]! > seq) i--;
    this.live++;
    if (i > 0 && this.seqs[i - 1] === seq) {
      this.dead--;
      return;
    }
    if (i === this.seqs.length) this.seqs.push(seq);
    else this.seqs.splice(i, 0, seq);
  }

  drop(isLive: (seq: number) => boolean): void {
    this.live--;
    this.dead++;
    if (this.dead > 32 && this.dead * 2 > this.seqs.length) {
      this.seqs = this.seqs.filter(isLive);
      this.dead = this.seqs.length - this.live;
    }
  }

  *newestFirst(): Generator<number> {
    for (let i = this.seqs.length - 1; i >= 0; i--) yield this.seqs[i]!;
  }
}
