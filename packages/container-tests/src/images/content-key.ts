/* eslint-disable security/detect-non-literal-fs-filename -- reads the image recipes of this package */
// A locally built image is rebuilt only when something it is made from changed. Its key is a hash
// of everything that goes into it: the recipe's files, the versions and settings it is built with
// and the key of the image it starts from, so a new base rebuilds everything above it.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** One input of an image: a file's path and bytes, or a named setting and its value. */
export interface KeyInput {
  readonly name: string;
  readonly content: string | Buffer;
}

/**
 * The SHA-256 of the inputs, independent of their order. Each input is framed by its name and
 * length, so moving bytes from one input to the next, or from a name to a content, changes it.
 */
export function contentKey(inputs: readonly KeyInput[]): string {
  const hash = createHash('sha256');
  const sorted = [...inputs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const [index, input] of sorted.entries()) {
    if (index > 0 && sorted[index - 1]?.name === input.name) {
      throw new Error(`the image inputs name ${input.name} twice`);
    }
    const content = typeof input.content === 'string' ? Buffer.from(input.content) : input.content;
    hash.update(`${input.name.length}:${input.name}:${content.length}:`);
    hash.update(content);
  }
  return hash.digest('hex');
}

/** Named settings as key inputs, under `setting:` so they can never collide with a file path. */
export function settingInputs(settings: Readonly<Record<string, string>>): KeyInput[] {
  return Object.entries(settings).map(([name, value]) => ({
    name: `setting:${name}`,
    content: value,
  }));
}

/** Every file under `dir` as a key input named by its path relative to `dir`. */
export async function recipeInputs(dir: string): Promise<KeyInput[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile());
  return Promise.all(
    files.map(async (entry) => {
      const file = path.join(entry.parentPath, entry.name);
      return { name: `file:${path.relative(dir, file)}`, content: await readFile(file) };
    }),
  );
}
