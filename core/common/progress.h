// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "error.h"

#include <cstdint>

namespace layerscope {

// Long core operations take a Progress so that the GUI and the CLI can show how far they are and stop them.
// `done`/`total` are bytes of the input the user waits for (the stored file), not uncompressed bytes;
// total 0 means unknown. Implementations must be cheap: advance() may be called for every entry.
class Progress
{
public:
    virtual ~Progress() = default;
    virtual void advance(uint64_t done, uint64_t total) = 0;
    virtual bool cancelled() const = 0;

    // Convenience for loops: throws Cancelled when the user asked to stop.
    void checkCancelled() const
    {
        if (cancelled())
            throw Cancelled();
    }

    // A Progress that reports nowhere and never cancels, for callers that do not care.
    static Progress& none();
};

inline Progress& Progress::none()
{
    class NoProgress final : public Progress
    {
    public:
        void advance(uint64_t, uint64_t) override {}
        bool cancelled() const override { return false; }
    };
    static NoProgress instance;
    return instance;
}

} // namespace layerscope
