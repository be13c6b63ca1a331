/**
 * The note-level side of retrieval: which note each chunk belongs to, and a BM25 index with
 * one document per note (its path's folders, title, headings and every item), so a question
 * matching a note's title or a section heading finds the note even when no single item
 * repeats those words. Follows ingests chunk by chunk; a changed note's document is rebuilt
 * lazily before the next search.
 */
import type { IndexedText } from "../index/store.js";
import { type KeywordHit, KeywordIndex } from "./keyword.js";

interface NoteEntry {
  title: string;
  /** Chunk ids of the note in the order they were added (document order on a full build). */
  readonly ids: Set<string>;
}

export interface NoteHit extends Omit<KeywordHit, "id"> {
  readonly file: string;
}

export class NoteIndex {
  private readonly chunks = new Map<string, IndexedText>();
  private readonly notes = new Map<string, NoteEntry>();
  private readonly dirty = new Set<string>();
  private readonly keyword = new KeywordIndex();

  get size(): number {
    return this.notes.size;
  }

  add(chunk: IndexedText): void {
    this.remove(chunk.id);
    this.chunks.set(chunk.id, chunk);
    let note = this.notes.get(chunk.file);
    if (!note) {
      note = { title: chunk.title, ids: new Set() };
      this.notes.set(chunk.file, note);
    }
    note.title = chunk.title;
    note.ids.add(chunk.id);
    this.dirty.add(chunk.file);
  }

  addAll(chunks: Iterable<IndexedText>): void {
    for (const chunk of chunks) this.add(chunk);
  }

  remove(id: string): void {
    const chunk = this.chunks.get(id);
    if (!chunk) return;
    this.chunks.delete(id);
    const note = this.notes.get(chunk.file);
    note?.ids.delete(id);
    if (note && note.ids.size === 0) this.notes.delete(chunk.file);
    this.dirty.add(chunk.file);
  }

  /** The note a chunk belongs to. */
  fileOf(id: string): string | undefined {
    return this.chunks.get(id)?.file;
  }

  /** The chunk's section path (headings above it, outermost first). */
  sectionOf(id: string): readonly string[] {
    return this.chunks.get(id)?.sectionPath ?? [];
  }

  /** A note's answerable chunks (pointer lines left out), in document order. */
  chunksOf(file: string): string[] {
    const note = this.notes.get(file);
    if (!note) return [];
    return [...note.ids].filter((id) => (this.chunks.get(id)?.text ?? "") !== "");
  }

  /** The best notes for a query, best first. */
  search(query: string, k: number): NoteHit[] {
    this.refresh();
    return this.keyword.search(query, k).map(({ id, ...rest }) => ({ file: id, ...rest }));
  }

  /** Share of the query's IDF weight on words no note contains (see KeywordIndex.unseenShare). */
  unseenShare(query: string): number {
    this.refresh();
    return this.keyword.unseenShare(query);
  }

  private refresh(): void {
    for (const file of this.dirty) {
      const note = this.notes.get(file);
      if (!note) {
        this.keyword.remove(file);
        continue;
      }
      this.keyword.add({ id: file, text: noteDocument(file, note, this.chunks) });
    }
    this.dirty.clear();
  }
}

/**
 * A note as one document: the folders of its path (a topic: `unix/`, `git/`), its title, each
 * distinct heading once, and the words of every item (pointer lines are empty already).
 */
function noteDocument(
  file: string,
  note: NoteEntry,
  chunks: ReadonlyMap<string, IndexedText>,
): string {
  const folders = file.split("/").slice(0, -1);
  const headings = new Set<string>();
  const texts: string[] = [];
  for (const id of note.ids) {
    const chunk = chunks.get(id);
    if (!chunk) continue;
    for (const h of chunk.sectionPath) headings.add(h);
    if (chunk.text !== "") texts.push(chunk.text);
  }
  return [...folders, note.title, ...headings, ...texts].join("\n");
}
