#!/usr/bin/python3
# powercutfs: a FUSE file system for crash tests that forgets, on a power cut,
# everything that was not made durable -- the method of LazyFS (INESC TEC) and of
# xfstests' dm-log-writes, in a few hundred lines of Python on Debian's fusepy.
#
# Model (what survives a cut):
#   * file data and size: what the last fsync/fdatasync of that file (or an
#     msync, which the kernel turns into the same FUSE_FSYNC) covered;
#   * names (create, mkdir, rename, unlink, rmdir): what the last fsync of the
#     parent directory saw. A file created and fsynced in a directory never
#     fsynced is gone after the cut, as POSIX allows (ext4 usually keeps it; we
#     test the weaker promise).
# Everything else lives only in this process's memory (4 KiB dirty pages per
# inode over the durable bytes) and is thrown away by the cut.
#
# Memory-mapped writes. The mount is NOT direct_io: with direct_io the kernel
# refuses (or, on new kernels, only conditionally allows) shared writable
# mappings, and Chronicle Queue appends through MAP_SHARED mappings. In the
# default page-cache mode a store into a mapping dirties a kernel page; the
# kernel sends it here as a WRITE only at writeback (background flush, close,
# msync, fsync). Those writes land in the volatile layer like any other, and a
# FUSE_FSYNC (fsync, fdatasync, msync(MS_SYNC), FileChannel.force, issued on any
# descriptor of the inode) is preceded by the kernel writing back every dirty
# page of that inode. So exactly what a force/msync covers becomes durable, and
# pages dirtied in a mapping but never forced are lost at the cut whether or not
# the kernel happened to write them back. kernel_cache keeps the page cache
# across opens (every change goes through this mount, so it is coherent).
#
# Durable state: STATE/data/<ino> (content of each file inode, written at its
# fsync) and STATE/namespace.json (directory entries, written at a directory
# fsync). A new daemon over the same STATE starts from exactly that.
#
# Control: the parent writes "cut" on stdin; from then on every operation fails
# with EIO and nothing more is made durable; the daemon answers "cut" on stdout.
# It prints "mounted" once the kernel has initialised the mount. Unmount with
# umount(8); the process then exits.
#
# Does not: model torn writes, reordering inside one fsync, xattrs, links,
# symlinks or POSIX locks (the kernel keeps locks locally), or persist mode
# changes and timestamps durably.
#
# Usage: /usr/bin/python3 powercutfs.py STATE_DIR MOUNTPOINT
import errno
import json
import os
import stat
import sys
import threading
import time

from fusepy import FUSE, FuseOSError, Operations

PAGE = 4096


class Node:
    __slots__ = ("ino", "is_dir", "mode", "entries", "size", "durable_size", "zero_from", "pages", "fd", "opens", "nlink",
                 "mtime")

    def __init__(self, ino, is_dir, mode):
        self.ino = ino
        self.is_dir = is_dir
        self.mode = mode
        self.entries = {} if is_dir else None  # name -> ino (live)
        self.size = 0
        self.durable_size = 0
        self.zero_from = None  # durable bytes at or after this offset are hidden (a truncate since the last fsync)
        self.pages = {}  # page number -> bytearray(PAGE): the volatile layer
        self.fd = None
        self.opens = 0
        self.nlink = 1
        self.mtime = time.time()


class PowerCutFs(Operations):
    use_ns = False

    def __init__(self, state):
        self.state = state
        self.data = os.path.join(state, "data")
        os.makedirs(self.data, exist_ok=True)
        self.mutex = threading.RLock()
        self.cut = False
        self.nodes = {}
        self.handles = {}
        self.next_fh = 1
        self.durable_dirs = {}  # dir ino -> {name: [ino, is_dir, mode]}
        self._load()

    # ---- durable state --------------------------------------------------------------------------------------------
    def _load(self):
        path = os.path.join(self.state, "namespace.json")
        dirs = {}
        if os.path.exists(path):
            with open(path) as f:
                dirs = {int(k): v for k, v in json.load(f)["dirs"].items()}
        self.durable_dirs = dirs
        self.nodes[1] = Node(1, True, stat.S_IFDIR | 0o755)
        stack = [1]
        while stack:
            d = stack.pop()
            for name, (ino, is_dir, mode) in dirs.get(d, {}).items():
                node = Node(ino, is_dir, mode)
                if not is_dir:
                    node.fd = os.open(self._data(ino), os.O_RDWR | os.O_CREAT, 0o600)
                    node.size = node.durable_size = os.fstat(node.fd).st_size
                else:
                    stack.append(ino)
                self.nodes[ino] = node
                self.nodes[d].entries[name] = ino
        used = set(self.nodes)
        highest = max(used)
        for name in os.listdir(self.data):  # data of inodes no durable name reaches: gone with the cut
            ino = int(name)
            highest = max(highest, ino)
            if ino not in used:
                os.unlink(self._data(ino))
        self.next_ino = highest + 1

    def _data(self, ino):
        return os.path.join(self.data, str(ino))

    def _save_namespace(self):
        tmp = os.path.join(self.state, "namespace.json.tmp")
        with open(tmp, "w") as f:
            json.dump({"dirs": {str(k): v for k, v in self.durable_dirs.items()}}, f)
        os.replace(tmp, os.path.join(self.state, "namespace.json"))

    def power_cut(self):
        with self.mutex:
            self.cut = True

    # ---- helpers ----------------------------------------------------------------------------------------------------
    def _check(self):
        if self.cut:
            raise FuseOSError(errno.EIO)

    def _resolve(self, path):
        node = self.nodes[1]
        for part in [p for p in path.split("/") if p]:
            if not node.is_dir or part not in node.entries:
                raise FuseOSError(errno.ENOENT)
            node = self.nodes[node.entries[part]]
        return node

    def _parent(self, path):
        head, name = path.rstrip("/").rsplit("/", 1)
        parent = self._resolve(head or "/")
        if not parent.is_dir:
            raise FuseOSError(errno.ENOTDIR)
        return parent, name

    def _node(self, path, fh):
        if fh is not None and fh in self.handles:
            return self.nodes[self.handles[fh]]
        return self._resolve(path)

    def _durable_page(self, node, n):
        limit = node.durable_size if node.zero_from is None else min(node.durable_size, node.zero_from)
        start = n * PAGE
        page = bytearray(PAGE)
        if start < limit:
            got = os.pread(node.fd, min(PAGE, limit - start), start)
            page[:len(got)] = got
        return page

    def _read(self, node, size, offset):
        end = min(offset + size, node.size)
        if offset >= end:
            return b""
        out = bytearray()
        n = offset // PAGE
        while n * PAGE < end:
            page = node.pages.get(n)
            if page is None:
                page = self._durable_page(node, n)
            lo = max(offset, n * PAGE) - n * PAGE
            hi = min(end, (n + 1) * PAGE) - n * PAGE
            out += page[lo:hi]
            n += 1
        return bytes(out)

    def _truncate(self, node, length):
        if length < node.size:
            for n in [n for n in node.pages if n * PAGE >= length]:
                del node.pages[n]
            if length % PAGE:
                n = length // PAGE
                page = node.pages.get(n)
                if page is None:
                    page = node.pages[n] = self._durable_page(node, n)
                page[length % PAGE:] = bytes(PAGE - length % PAGE)
            node.zero_from = length if node.zero_from is None else min(node.zero_from, length)
        node.size = length
        node.mtime = time.time()

    def _new_node(self, is_dir, mode):
        ino = self.next_ino
        self.next_ino += 1
        node = Node(ino, is_dir, mode)
        if not is_dir:
            node.fd = os.open(self._data(ino), os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
        self.nodes[ino] = node
        return node

    def _forget(self, node):
        if node.nlink == 0 and node.opens == 0 and not node.is_dir:
            node.pages.clear()  # the durable data file stays until a restart finds no durable name for it

    # ---- operations -------------------------------------------------------------------------------------------------
    def init(self, path):
        print("mounted", flush=True)

    def getattr(self, path, fh=None):
        with self.mutex:
            self._check()
            node = self._node(path, fh)
            return dict(st_mode=node.mode, st_nlink=2 if node.is_dir else node.nlink, st_size=node.size,
                        st_uid=0, st_gid=0, st_atime=node.mtime, st_mtime=node.mtime, st_ctime=node.mtime,
                        st_blocks=(node.size + 511) // 512, st_blksize=PAGE)

    def readdir(self, path, fh):
        with self.mutex:
            self._check()
            return [".", ".."] + list(self._resolve(path).entries)

    def statfs(self, path):
        s = os.statvfs(self.state)
        return {k: getattr(s, k) for k in ("f_bsize", "f_frsize", "f_blocks", "f_bfree", "f_bavail", "f_files",
                                           "f_ffree", "f_favail", "f_flag", "f_namemax")}

    def mkdir(self, path, mode):
        with self.mutex:
            self._check()
            parent, name = self._parent(path)
            if name in parent.entries:
                raise FuseOSError(errno.EEXIST)
            parent.entries[name] = self._new_node(True, stat.S_IFDIR | (mode & 0o7777)).ino

    def rmdir(self, path):
        with self.mutex:
            self._check()
            parent, name = self._parent(path)
            node = self._resolve(path)
            if node.entries:
                raise FuseOSError(errno.ENOTEMPTY)
            del parent.entries[name]

    def create(self, path, mode, fi=None):
        with self.mutex:
            self._check()
            parent, name = self._parent(path)
            if name in parent.entries:
                node = self.nodes[parent.entries[name]]
                self._truncate(node, 0)
            else:
                node = self._new_node(False, stat.S_IFREG | (mode & 0o7777))
                parent.entries[name] = node.ino
            return self._open_node(node)

    def open(self, path, flags):
        with self.mutex:
            self._check()
            node = self._resolve(path)
            if flags & os.O_TRUNC:
                self._truncate(node, 0)
            return self._open_node(node)

    def _open_node(self, node):
        fh = self.next_fh
        self.next_fh += 1
        self.handles[fh] = node.ino
        node.opens += 1
        return fh

    def release(self, path, fh):
        with self.mutex:
            ino = self.handles.pop(fh, None)
            if ino is not None:
                node = self.nodes[ino]
                node.opens -= 1
                self._forget(node)

    def read(self, path, size, offset, fh):
        with self.mutex:
            self._check()
            return self._read(self._node(path, fh), size, offset)

    def write(self, path, data, offset, fh):
        with self.mutex:
            self._check()
            node = self._node(path, fh)
            pos, end = offset, offset + len(data)
            while pos < end:
                n = pos // PAGE
                page = node.pages.get(n)
                if page is None:
                    page = node.pages[n] = self._durable_page(node, n)
                lo = pos - n * PAGE
                take = min(PAGE - lo, end - pos)
                page[lo:lo + take] = data[pos - offset:pos - offset + take]
                pos += take
            node.size = max(node.size, end)
            node.mtime = time.time()
            return len(data)

    def truncate(self, path, length, fh=None):
        with self.mutex:
            self._check()
            self._truncate(self._node(path, fh), length)

    def flush(self, path, fh):
        with self.mutex:
            self._check()

    def fsync(self, path, datasync, fh):
        with self.mutex:
            self._check()
            node = self._node(path, fh)
            if node.is_dir:
                return self._sync_dir(node)
            keep = node.durable_size if node.zero_from is None else min(node.durable_size, node.zero_from)
            os.ftruncate(node.fd, keep)
            os.ftruncate(node.fd, node.size)
            for n in sorted(node.pages):
                page = node.pages[n]
                os.pwrite(node.fd, bytes(page[:max(0, min(PAGE, node.size - n * PAGE))]), n * PAGE)
            node.pages.clear()
            node.durable_size = node.size
            node.zero_from = None

    def fsyncdir(self, path, datasync, fh):
        with self.mutex:
            self._check()
            self._sync_dir(self._resolve(path))

    def _sync_dir(self, node):
        self.durable_dirs[node.ino] = {name: [ino, self.nodes[ino].is_dir, self.nodes[ino].mode]
                                       for name, ino in node.entries.items()}
        self._save_namespace()

    def unlink(self, path):
        with self.mutex:
            self._check()
            parent, name = self._parent(path)
            node = self._resolve(path)
            del parent.entries[name]
            node.nlink -= 1
            self._forget(node)

    def rename(self, old, new):
        with self.mutex:
            self._check()
            op, oname = self._parent(old)
            np, nname = self._parent(new)
            node = self._resolve(old)
            if nname in np.entries:
                victim = self.nodes[np.entries[nname]]
                if victim.is_dir and victim.entries:
                    raise FuseOSError(errno.ENOTEMPTY)
                victim.nlink -= 1
                self._forget(victim)
            del op.entries[oname]
            np.entries[nname] = node.ino

    def chmod(self, path, mode):
        with self.mutex:
            self._check()
            node = self._resolve(path)
            node.mode = (node.mode & ~0o7777) | (mode & 0o7777)

    def chown(self, path, uid, gid):
        with self.mutex:
            self._check()

    def utimens(self, path, times=None):
        with self.mutex:
            self._check()


def main():
    state, mountpoint = sys.argv[1], sys.argv[2]
    fs = PowerCutFs(state)

    def control():
        for line in sys.stdin:
            if line.strip() == "cut":
                fs.power_cut()
                print("cut", flush=True)

    threading.Thread(target=control, daemon=True).start()
    FUSE(fs, mountpoint, foreground=True, nothreads=False, kernel_cache=True, big_writes=True, hard_remove=True,
         max_write=131072, fsname="powercutfs")


if __name__ == "__main__":
    main()
