// SPDX-License-Identifier: Apache-2.0
#include "io/readaheadsource.h"

#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace layerscope::io {

namespace {

struct Chunk
{
    std::unique_ptr<uint8_t[]> bytes;
    size_t size = 0;
    uint64_t storedPosition = 0;
};

} // namespace

struct ReadAheadSource::Shared
{
    std::unique_ptr<ByteSource> inner;
    size_t chunkSize = 0;

    std::mutex mutex;
    std::condition_variable changed;
    std::deque<Chunk> filled;
    std::vector<std::unique_ptr<uint8_t[]>> empty;
    size_t unallocated = 0; // chunks still to be made when first needed
    bool producerDone = false;
    bool stopping = false;
    std::exception_ptr error;

    // Consumer side only.
    Chunk current;
    size_t currentOffset = 0;
    bool finished = false;

    std::thread producer;

    void produce()
    {
        try {
            for (;;) {
                std::unique_ptr<uint8_t[]> buffer;
                {
                    std::unique_lock lock(mutex);
                    if (stopping)
                        return;
                    // Chunks are made as they are first needed: a stream shorter than a chunk costs one.
                    if (empty.empty() && unallocated > 0) {
                        --unallocated;
                        buffer = std::make_unique_for_overwrite<uint8_t[]>(chunkSize);
                    } else {
                        changed.wait(lock, [&] { return stopping || !empty.empty(); });
                        if (stopping)
                            return;
                        buffer = std::move(empty.back());
                        empty.pop_back();
                    }
                }
                // Fill the whole chunk so that the consumer sees few, large hand-overs.
                size_t size = 0;
                while (size < chunkSize) {
                    const size_t n = inner->read(buffer.get() + size, chunkSize - size);
                    if (n == 0)
                        break;
                    size += n;
                }
                std::lock_guard lock(mutex);
                if (size > 0)
                    filled.push_back(Chunk {std::move(buffer), size, inner->storedPosition()});
                if (size < chunkSize) {
                    producerDone = true;
                    changed.notify_all();
                    return;
                }
                changed.notify_all();
            }
        } catch (...) {
            std::lock_guard lock(mutex);
            error = std::current_exception();
            producerDone = true;
            changed.notify_all();
        }
    }
};

ReadAheadSource::ReadAheadSource(std::unique_ptr<ByteSource> inner, size_t chunkSize, size_t chunkCount)
    : m_shared(std::make_unique<Shared>())
    , m_name(inner->name())
    , m_storedSize(inner->storedSize())
{
    Shared& s = *m_shared;
    s.inner = std::move(inner);
    s.chunkSize = chunkSize;
    s.unallocated = std::max<size_t>(chunkCount, 2);
    s.producer = std::thread([&s] { s.produce(); });
}

ReadAheadSource::~ReadAheadSource()
{
    {
        std::lock_guard lock(m_shared->mutex);
        m_shared->stopping = true;
    }
    m_shared->changed.notify_all();
    m_shared->producer.join();
}

// Makes the next chunk current, handing the finished one back to the producer. Returns false at the end of the
// stream; rethrows the producer's error there.
bool ReadAheadSource::nextChunk()
{
    Shared& s = *m_shared;
    std::unique_lock lock(s.mutex);
    if (s.current.bytes) {
        s.empty.push_back(std::move(s.current.bytes));
        s.changed.notify_all();
    }
    s.changed.wait(lock, [&] { return !s.filled.empty() || s.producerDone; });
    if (!s.filled.empty()) {
        s.current = std::move(s.filled.front());
        s.filled.pop_front();
        s.currentOffset = 0;
        return true;
    }
    s.finished = true;
    if (s.error)
        std::rethrow_exception(s.error);
    return false;
}

size_t ReadAheadSource::read(void* buffer, size_t size)
{
    Shared& s = *m_shared;
    size_t copied = 0;
    auto* out = static_cast<uint8_t*>(buffer);
    while (copied < size && !s.finished) {
        if (s.current.bytes && s.currentOffset < s.current.size) {
            const size_t n = std::min(size - copied, s.current.size - s.currentOffset);
            std::memcpy(out + copied, s.current.bytes.get() + s.currentOffset, n);
            s.currentOffset += n;
            copied += n;
            continue;
        }
        // A short read at a chunk boundary: what was copied is delivered before a producer error can surface.
        if (copied > 0)
            return copied;
        if (!nextChunk())
            break;
    }
    return copied;
}

std::optional<std::span<const uint8_t>> ReadAheadSource::borrow(size_t size)
{
    Shared& s = *m_shared;
    while (!s.finished) {
        if (s.current.bytes && s.currentOffset < s.current.size) {
            const size_t n = std::min(size, s.current.size - s.currentOffset);
            const std::span<const uint8_t> view(s.current.bytes.get() + s.currentOffset, n);
            s.currentOffset += n;
            return view;
        }
        if (!nextChunk())
            break;
    }
    return std::span<const uint8_t>();
}

uint64_t ReadAheadSource::storedPosition() const
{
    return m_shared->current.storedPosition;
}

} // namespace layerscope::io
