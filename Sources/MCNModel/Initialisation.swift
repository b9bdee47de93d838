import MCNTensor

/// Fills fresh parameters as torchvision does: Kaiming-normal (fan-out, ReLU) convolutions,
/// BatchNorm γ = 1 and β = 0, PyTorch's default uniform(±1/√fan-in) for linear layers; running
/// variances 1, means 0.
public func initialiseParameters(_ layout: ParameterLayout, _ values: Slab, buffers: ParameterLayout,
                                 _ bufferValues: Slab, rng: inout RNG) {
    for e in layout.entries {
        let p = values.pointer + e.offset
        if e.shape.count == 5 {
            let fanOut = Float(e.shape[0] * e.shape[2] * e.shape[3] * e.shape[4])
            let std = (2 / fanOut).squareRoot()
            for i in 0..<e.count { p[i] = rng.normal() * std }
        } else if e.shape.count == 2 {
            let bound = 1 / Float(e.shape[1]).squareRoot()
            for i in 0..<e.count { p[i] = rng.uniform(-bound, bound) }
        } else if e.name.hasSuffix(".bias") {
            // A linear layer's bias (fan-in from its weight) or a BatchNorm β.
            let weightName = String(e.name.dropLast(4)) + "weight"
            if let w = layout.handle(weightName), layout[w].shape.count == 2 {
                let bound = 1 / Float(layout[w].shape[1]).squareRoot()
                for i in 0..<e.count { p[i] = rng.uniform(-bound, bound) }
            } else {
                p.update(repeating: 0, count: e.count)
            }
        } else {
            p.update(repeating: 1, count: e.count)  // BatchNorm γ
        }
    }
    for e in buffers.entries {
        bufferValues.pointer.advanced(by: e.offset)
            .update(repeating: e.name.hasSuffix("running_var") ? 1 : 0, count: e.count)
    }
}
