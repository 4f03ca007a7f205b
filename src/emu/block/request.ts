// Trace points of the block layer and the ids that tie events into a request tree. Names are
// QEMU 7.2's trace-events names where one exists; ours (`file_pwrite`, `qcow2_pre_write_overlap_check`
// with its result, `blk_aio_complete`) fill the gaps. Each event carries {req, parent, co}.
import type { TraceBus, TracePoint } from "../trace/bus.ts";

/** The identity of one request level: its id, the id of the request that issued it, its coroutine. */
export interface ReqCtx {
  readonly req: number;
  readonly parent: number;
  readonly co: number;
}

/** The request context used outside any request (metadata work at open/close). */
export const NO_REQ: ReqCtx = { req: 0, parent: 0, co: 0 };

/** Every block-layer trace point, created once per AioContext from its bus. */
export class BlockTrace {
  readonly blk_aio_preadv: TracePoint;
  readonly blk_aio_pwritev: TracePoint;
  readonly blk_aio_flush: TracePoint;
  readonly blk_aio_pwrite_zeroes: TracePoint;
  readonly blk_aio_complete: TracePoint;
  readonly blk_co_preadv: TracePoint;
  readonly blk_co_pwritev: TracePoint;
  readonly bdrv_co_preadv_part: TracePoint;
  readonly bdrv_co_pwritev_part: TracePoint;
  readonly bdrv_co_pwrite_zeroes: TracePoint;
  readonly bdrv_co_flush: TracePoint;
  readonly bdrv_rmw: TracePoint;
  readonly qemu_coroutine_enter: TracePoint;
  readonly qemu_coroutine_yield: TracePoint;
  readonly qemu_coroutine_terminate: TracePoint;
  readonly qcow2_writev_start_req: TracePoint;
  readonly qcow2_writev_done_req: TracePoint;
  readonly qcow2_writev_start_part: TracePoint;
  readonly qcow2_writev_done_part: TracePoint;
  readonly qcow2_writev_data: TracePoint;
  readonly qcow2_pwrite_zeroes: TracePoint;
  readonly qcow2_handle_alloc: TracePoint;
  readonly qcow2_handle_copied: TracePoint;
  readonly qcow2_cluster_link_l2: TracePoint;
  readonly qcow2_l2_allocate: TracePoint;
  readonly qcow2_l2_allocate_done: TracePoint;
  readonly qcow2_cache_get: TracePoint;
  readonly qcow2_cache_flush: TracePoint;
  readonly qcow2_cache_entry_flush: TracePoint;
  readonly qcow2_pre_write_overlap_check: TracePoint;
  readonly qcow2_mark_corrupt: TracePoint;
  readonly file_pread: TracePoint;
  readonly file_pwrite: TracePoint;
  readonly file_fdatasync: TracePoint;

  constructor(readonly bus: TraceBus) {
    const p = (name: string): TracePoint => bus.point(name);
    this.blk_aio_preadv = p("blk_aio_preadv");
    this.blk_aio_pwritev = p("blk_aio_pwritev");
    this.blk_aio_flush = p("blk_aio_flush");
    this.blk_aio_pwrite_zeroes = p("blk_aio_pwrite_zeroes");
    this.blk_aio_complete = p("blk_aio_complete");
    this.blk_co_preadv = p("blk_co_preadv");
    this.blk_co_pwritev = p("blk_co_pwritev");
    this.bdrv_co_preadv_part = p("bdrv_co_preadv_part");
    this.bdrv_co_pwritev_part = p("bdrv_co_pwritev_part");
    this.bdrv_co_pwrite_zeroes = p("bdrv_co_pwrite_zeroes");
    this.bdrv_co_flush = p("bdrv_co_flush");
    this.bdrv_rmw = p("bdrv_rmw");
    this.qemu_coroutine_enter = p("qemu_coroutine_enter");
    this.qemu_coroutine_yield = p("qemu_coroutine_yield");
    this.qemu_coroutine_terminate = p("qemu_coroutine_terminate");
    this.qcow2_writev_start_req = p("qcow2_writev_start_req");
    this.qcow2_writev_done_req = p("qcow2_writev_done_req");
    this.qcow2_writev_start_part = p("qcow2_writev_start_part");
    this.qcow2_writev_done_part = p("qcow2_writev_done_part");
    this.qcow2_writev_data = p("qcow2_writev_data");
    this.qcow2_pwrite_zeroes = p("qcow2_pwrite_zeroes");
    this.qcow2_handle_alloc = p("qcow2_handle_alloc");
    this.qcow2_handle_copied = p("qcow2_handle_copied");
    this.qcow2_cluster_link_l2 = p("qcow2_cluster_link_l2");
    this.qcow2_l2_allocate = p("qcow2_l2_allocate");
    this.qcow2_l2_allocate_done = p("qcow2_l2_allocate_done");
    this.qcow2_cache_get = p("qcow2_cache_get");
    this.qcow2_cache_flush = p("qcow2_cache_flush");
    this.qcow2_cache_entry_flush = p("qcow2_cache_entry_flush");
    this.qcow2_pre_write_overlap_check = p("qcow2_pre_write_overlap_check");
    this.qcow2_mark_corrupt = p("qcow2_mark_corrupt");
    this.file_pread = p("file_pread");
    this.file_pwrite = p("file_pwrite");
    this.file_fdatasync = p("file_fdatasync");
  }
}
