// The `raw` format driver: guest offsets are file offsets; the guest size is the file size.
import type { AioContext } from "./aio-context.ts";
import type { Co } from "./coroutine.ts";
import type { FileNode } from "./file.ts";
import { BlockNode, type BlockStatus } from "./node.ts";
import type { ReqCtx } from "./request.ts";

export class RawNode extends BlockNode {
  readonly format = "raw";
  size: number;

  /** Wraps an open file node; takes ownership of it. */
  constructor(
    ctx: AioContext,
    readonly file: FileNode,
  ) {
    super(ctx, file.filename, file.readOnly);
    this.size = file.size;
  }

  blockStatus(offset: number, bytes: number): BlockStatus {
    return { length: bytes, present: true, zero: false, data: true, offset, depth: 0, file: this.filename };
  }

  close(): void {
    this.file.close();
  }

  protected *drvPreadv(r: ReqCtx, offset: number, bytes: number, buf: Uint8Array): Co<void> {
    yield* this.file.coPreadv(r, offset, bytes, buf);
  }

  protected *drvPwritev(r: ReqCtx, offset: number, bytes: number, buf: Uint8Array, flags: number): Co<void> {
    yield* this.file.coPwritev(r, offset, bytes, buf, flags);
  }

  protected *drvFlush(r: ReqCtx): Co<void> {
    yield* this.file.coFlush(r);
  }
}
