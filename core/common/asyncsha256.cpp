// SPDX-License-Identifier: Apache-2.0
#include "common/asyncsha256.h"

#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace layerscope {

struct AsyncSha256::Shared
{
    struct Buffer
    {
        std::unique_ptr<uint8_t[]> bytes;
        size_t size = 0;
    };

    size_t bufferSize = 0;
    size_t unallocated = 0; // buffers still to be made when first needed
    std::mutex mutex;
    std::condition_variable changed;
    std::deque<Buffer> queued;
    std::vector<Buffer> free;
    bool finishing = false;
    Buffer filling; // owned by the updating thread
    Sha256 hash; // used by the hashing thread only
    std::thread worker;

    void run()
    {
        for (;;) {
            Buffer buffer;
            {
                std::unique_lock lock(mutex);
                changed.wait(lock, [&] { return finishing || !queued.empty(); });
                if (queued.empty())
                    return;
                buffer = std::move(queued.front());
                queued.pop_front();
            }
            hash.update(buffer.bytes.get(), buffer.size);
            buffer.size = 0;
            std::lock_guard lock(mutex);
            free.push_back(std::move(buffer));
            changed.notify_all();
        }
    }

    void hand(Buffer& buffer)
    {
        std::lock_guard lock(mutex);
        queued.push_back(std::move(buffer));
        changed.notify_all();
    }

    Buffer take()
    {
        std::unique_lock lock(mutex);
        // Buffers are made as they are first needed: hashing a small blob costs one, not bufferCount (which shows
        // most where allocation is dear, as under the sanitizers, where a fuzz target hashes thousands a minute).
        if (free.empty() && unallocated > 0) {
            --unallocated;
            return {std::make_unique_for_overwrite<uint8_t[]>(bufferSize), 0};
        }
        changed.wait(lock, [&] { return !free.empty(); });
        Buffer buffer = std::move(free.back());
        free.pop_back();
        return buffer;
    }
};

AsyncSha256::AsyncSha256(size_t bufferSize, size_t bufferCount)
    : m_shared(std::make_unique<Shared>())
{
    Shared& s = *m_shared;
    s.bufferSize = bufferSize;
    s.unallocated = std::max<size_t>(bufferCount, 2);
    s.filling = s.take();
    s.worker = std::thread([&s] { s.run(); });
}

AsyncSha256::~AsyncSha256()
{
    if (m_shared->worker.joinable()) {
        {
            std::lock_guard lock(m_shared->mutex);
            m_shared->finishing = true;
        }
        m_shared->changed.notify_all();
        m_shared->worker.join();
    }
}

void AsyncSha256::update(const void* data, size_t size)
{
    Shared& s = *m_shared;
    const auto* bytes = static_cast<const uint8_t*>(data);
    while (size > 0) {
        const size_t n = std::min(size, s.bufferSize - s.filling.size);
        std::memcpy(s.filling.bytes.get() + s.filling.size, bytes, n);
        s.filling.size += n;
        bytes += n;
        size -= n;
        if (s.filling.size == s.bufferSize) {
            s.hand(s.filling);
            s.filling = s.take();
        }
    }
}

Sha256Digest AsyncSha256::finish()
{
    Shared& s = *m_shared;
    if (s.filling.size > 0)
        s.hand(s.filling);
    {
        std::lock_guard lock(s.mutex);
        s.finishing = true;
    }
    s.changed.notify_all();
    s.worker.join();
    return s.hash.finish();
}

} // namespace layerscope
