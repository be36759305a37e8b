import type { FileData, FileStore } from "../core/files.js";

/**
 * The file store as calls from the author's own code see it: a path anywhere on disk is copied into the
 * store instead of being refused, since the author may read any file their process can.
 */
export class TrustedFiles implements FileStore {
  constructor(private readonly files: FileStore) {}

  forCaller(username: string | null): FileStore {
    return new TrustedFiles(this.files.forCaller(username));
  }
  async clientPath(p: unknown): Promise<string> {
    if (typeof p !== "string") return this.files.clientPath(p);
    try {
      return await this.files.clientPath(p);
    } catch {
      return this.files.copyIn(p);
    }
  }
  save(data: Uint8Array, name: string): Promise<string> {
    return this.files.save(data, name);
  }
  saveStream(source: AsyncIterable<Uint8Array>, name: string, verify?: () => void): Promise<string> {
    return this.files.saveStream(source, name, verify);
  }
  fetchUrl(url: string): Promise<string> {
    return this.files.fetchUrl(url);
  }
  copyIn(source: string): Promise<string> {
    return this.files.copyIn(source);
  }
  servable(p: string): Promise<string | undefined> {
    return this.files.servable(p);
  }
  fileData(file: string, root: string, origName?: string): Promise<FileData> {
    return this.files.fileData(file, root, origName);
  }
}
