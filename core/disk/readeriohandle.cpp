// SPDX-License-Identifier: Apache-2.0
#include "disk/readeriohandle.h"

#include "common/error.h"

#include <cstdio>
#include <memory>

namespace layerscope::disk {

struct ReaderIoHandle::State
{
    ReaderIoHandle::Read read;
    uint64_t size = 0;
    uint64_t position = 0;
    bool open = false;
    std::shared_ptr<std::string> lastError = std::make_shared<std::string>(); // shared with clones
};

namespace {

using State = ReaderIoHandle::State;

State* state(intptr_t* io)
{
    return reinterpret_cast<State*>(io);
}

int freeState(intptr_t** io, libbfio_error_t**)
{
    if (io && *io) {
        delete state(*io);
        *io = nullptr;
    }
    return 1;
}

int cloneState(intptr_t** destination, intptr_t* source, libbfio_error_t**)
{
    if (!destination || !source)
        return -1;
    auto* copy = new State(*state(source));
    copy->open = false;
    copy->position = 0;
    *destination = reinterpret_cast<intptr_t*>(copy);
    return 1;
}

int openState(intptr_t* io, int, libbfio_error_t**)
{
    state(io)->open = true;
    return 1;
}

int closeState(intptr_t* io, libbfio_error_t**)
{
    state(io)->open = false;
    return 0;
}

ssize_t readState(intptr_t* io, uint8_t* buffer, size_t size, libbfio_error_t**)
{
    State* s = state(io);
    if (s->position >= s->size)
        return 0;
    if (size > s->size - s->position)
        size = size_t(s->size - s->position);
    // No exception may cross the libraries' C frames: the message waits in the state and the read fails.
    try {
        const size_t n = s->read(s->position, buffer, size);
        s->position += n;
        return ssize_t(n);
    } catch (const std::exception& e) {
        *s->lastError = e.what();
        return -1;
    }
}

ssize_t writeState(intptr_t*, const uint8_t*, size_t, libbfio_error_t**)
{
    return -1; // read-only
}

off64_t seekState(intptr_t* io, off64_t offset, int whence, libbfio_error_t**)
{
    State* s = state(io);
    int64_t base = 0;
    if (whence == SEEK_CUR)
        base = int64_t(s->position);
    else if (whence == SEEK_END)
        base = int64_t(s->size);
    else if (whence != SEEK_SET)
        return -1;
    const int64_t target = base + offset;
    if (target < 0)
        return -1;
    s->position = uint64_t(target);
    return target;
}

int existsState(intptr_t*, libbfio_error_t**)
{
    return 1;
}

int isOpenState(intptr_t* io, libbfio_error_t**)
{
    return state(io)->open ? 1 : 0;
}

int sizeState(intptr_t* io, size64_t* size, libbfio_error_t**)
{
    *size = state(io)->size;
    return 1;
}

} // namespace

ReaderIoHandle::ReaderIoHandle(const std::string& name, uint64_t size, Read read)
{
    auto owned = std::make_unique<State>();
    owned->read = std::move(read);
    owned->size = size;
    // No error objects: libbfio_error_free is missing from the libbfio that libvhdi bundles (the Windows build links
    // that one), and what failed is said here anyway.
    if (libbfio_handle_initialize(&m_handle, reinterpret_cast<intptr_t*>(owned.get()), freeState, cloneState, openState,
                                  closeState, readState, writeState, seekState, existsState, isOpenState, sizeState,
                                  LIBBFIO_FLAG_IO_HANDLE_MANAGED | LIBBFIO_FLAG_IO_HANDLE_CLONE_BY_FUNCTION, nullptr)
        != 1)
        throw Error({name, {}, {}, {}}, "cannot set up reading (libbfio)");
    m_state = owned.release();
    if (libbfio_handle_open(m_handle, LIBBFIO_OPEN_READ, nullptr) != 1) {
        libbfio_handle_free(&m_handle, nullptr); // frees the state too
        throw Error({name, {}, {}, {}}, "cannot open for reading (libbfio)");
    }
}

ReaderIoHandle::~ReaderIoHandle()
{
    if (m_handle) {
        libbfio_handle_close(m_handle, nullptr);
        libbfio_handle_free(&m_handle, nullptr);
    }
}

std::string ReaderIoHandle::lastReadError() const
{
    return m_state ? *m_state->lastError : std::string();
}

} // namespace layerscope::disk
