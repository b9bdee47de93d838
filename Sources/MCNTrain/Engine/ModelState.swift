import Foundation
import MCNModel
import MCNTensor

/// Builds the network a config describes.
public func makeNetwork(_ config: RunConfig) throws -> MCNNetwork {
    let m = config.model
    guard let spec = BackboneSpec.preset(m.backbone, width: m.width, layers: m.layers) else {
        throw ConfigError("model.backbone: unknown preset \"\(m.backbone)\" (known: \(BackboneSpec.presetNames.joined(separator: ", ")))")
    }
    var loss = MCNLossConfig()
    loss.temperature = Float(config.method.temperature)
    loss.lambda = Float(config.method.lambda)
    loss.fcm = FeatureCombination(rawValue: config.method.fcm) ?? .concat
    loss.fcmInput = FCMInput(rawValue: config.method.fcmInput) ?? .projection
    loss.negativesPerPositive = config.method.negPerPos
    return MCNNetwork(backbone: spec, featureDim: m.featureDim, projectionDim: m.projDim, metaHidden: m.metaHidden, loss: loss)
}

/// The step configuration a config describes.
public func makeStepConfig(_ config: RunConfig) -> MCNStepConfig {
    var s = MCNStepConfig()
    s.method = MCNMethod(rawValue: config.method.method) ?? .mcn
    s.baselineLoss = BaselineLoss(rawValue: config.method.baselineLoss) ?? .sets
    s.order = MetaOrder(rawValue: config.method.mode) ?? .firstOrder
    s.split = SetSplit(rawValue: config.method.split) ?? .videos
    s.alpha1 = Float(config.method.alpha1)
    s.innerClip = Float(config.method.innerClip)
    s.hvpEpsilon = Float(config.method.hvpEpsilon)
    return s
}

/// The outer optimiser a config describes.
public func makeOptimizer(_ config: RunConfig, count: Int) -> Optimizer {
    let o = config.optim
    switch o.optimizer {
    case "adam": return Adam(count: count, beta1: Float(o.momentum), weightDecay: Float(o.weightDecay))
    case "adamw": return Adam(count: count, beta1: Float(o.momentum), weightDecay: Float(o.weightDecay), decoupled: true)
    default: return SGD(count: count, momentum: Float(o.momentum), weightDecay: Float(o.weightDecay))
    }
}

/// The learning-rate schedule a config describes.
public func makeSchedule(_ config: RunConfig) -> LRSchedule {
    switch config.optim.schedule {
    case "step": return .step(stepSize: config.optim.stepSize, gamma: config.optim.gamma)
    case "cosine": return .cosine
    default: return .constant
    }
}

/// Parameters, BatchNorm buffers and optimiser state as safetensors, and back.
public enum ModelState {
    /// Parameters then buffers, under their dotted names (a PyTorch state_dict's layout).
    public static func parametersWriter(_ net: MCNNetwork, theta: Slab, buffers: Slab,
                                        metadata: [String: String]) throws -> SafeTensorsWriter {
        var w = SafeTensorsWriter(metadata: metadata)
        for (layout, slab) in [(net.params, theta), (net.buffers, buffers)] {
            for e in layout.entries {
                try w.add(e.name, shape: e.shape, floats: UnsafeBufferPointer(start: slab.pointer + e.offset, count: e.count))
            }
        }
        return w
    }

    /// `<param>.<state>` (e.g. `backbone.stem.0.weight.momentum_buffer`) for every state slab.
    public static func optimizerWriter(_ net: MCNNetwork, _ opt: Optimizer) throws -> SafeTensorsWriter {
        var w = SafeTensorsWriter(metadata: ["optimizer_step": String(opt.stepCount)])
        for (name, slab) in opt.stateSlabs {
            for e in net.params.entries {
                try w.add("\(e.name).\(name)", shape: e.shape, floats: UnsafeBufferPointer(start: slab.pointer + e.offset, count: e.count))
            }
        }
        return w
    }

    /// Fills θ and the buffers from a checkpoint file; every tensor must be there with its shape.
    public static func load(_ net: MCNNetwork, theta: Slab, buffers: Slab, from path: String) throws {
        let file = try SafeTensorsFile(path: path)
        for (layout, slab) in [(net.params, theta), (net.buffers, buffers)] {
            for e in layout.entries {
                let info = try file.info(e.name)
                guard info.shape == e.shape else {
                    throw FileError("\(path): tensor \(e.name) has shape \(info.shape), the model needs \(e.shape)")
                }
                try file.copyFloats(e.name, into: UnsafeMutableBufferPointer(start: slab.pointer + e.offset, count: e.count))
            }
        }
    }

    public static func loadOptimizer(_ net: MCNNetwork, _ opt: Optimizer, from path: String) throws {
        let file = try SafeTensorsFile(path: path)
        for (name, slab) in opt.stateSlabs {
            for e in net.params.entries {
                try file.copyFloats("\(e.name).\(name)", into: UnsafeMutableBufferPointer(start: slab.pointer + e.offset, count: e.count))
            }
        }
        opt.stepCount = Int(file.metadata["optimizer_step"] ?? "0") ?? 0
    }
}
