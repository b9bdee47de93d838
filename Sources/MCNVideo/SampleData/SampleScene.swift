import Foundation
import MCNTensor

/// One procedural video of the sample dataset: a textured static background and one object
/// that moves in the way its class names. Everything is drawn from seeded parameters.
struct SampleScene {
    enum Motion: Int, CaseIterable {
        case moveLeft, moveRight, moveUp, moveDown, rotateClockwise, rotateCounterclockwise
        case zoomIn, zoomOut, bounce, orbit, shake, pulse
    }
    enum Texture: Int, CaseIterable {
        case hStripes, vStripes, checker, dots, diagonal, radial, rings, blobs, gradient, grid, waves, diamonds
    }
    enum Shape: Int, CaseIterable {
        case square, circle, triangle, diamond, cross, star, hexagon, ring, pentagon, bar, semicircle, octagon
    }

    /// Background: texture kind and its look (kept across a UCF-style group, like a scene).
    struct Background {
        var texture: Texture
        var colourA: SIMD3<Float>, colourB: SIMD3<Float>
        var period: Float, angle: Float, phase: Float
        var centre: SIMD2<Float>
        var blobs: [SIMD3<Float>] // x, y, radius
    }

    var width: Int, height: Int, frames: Int
    var motion: Motion
    var background: Background
    var shape: Shape
    var objectColour: SIMD3<Float>, markColour: SIMD3<Float>
    var radius: Float, speed: Float, angle0: Float
    var start: SIMD2<Float>, travel: SIMD2<Float>
    var period: Float, amplitude: Float
    var staticNoise: Float, frameNoise: Float
    var noiseSeed: UInt64

    // MARK: - Drawing parameters

    static func background(texture: Texture, width: Int, height: Int, rng: inout RNG) -> Background {
        let a = randomColour(&rng)
        var b = randomColour(&rng)
        // Keep the two background colours apart so the texture is visible.
        if luma(a - b).magnitude < 0.15 { b = SIMD3(repeating: 1) - a }
        let blobs = (0..<4).map { _ in
            SIMD3<Float>(rng.uniform(0, Float(width)), rng.uniform(0, Float(height)), rng.uniform(8, 22))
        }
        return Background(texture: texture, colourA: a, colourB: b, period: rng.uniform(6, 14),
                          angle: rng.uniform(-0.26, 0.26), phase: rng.uniform(0, 2 * .pi),
                          centre: SIMD2(rng.uniform(0, Float(width)), rng.uniform(0, Float(height))), blobs: blobs)
    }

    init(motion: Motion, background: Background, shape: Shape, width: Int, height: Int, frames: Int, rng: inout RNG) {
        self.width = width; self.height = height; self.frames = frames
        self.motion = motion; self.background = background; self.shape = shape
        radius = rng.uniform(8, 14)
        speed = rng.uniform(0.7, 1.3)
        angle0 = rng.uniform(0, 2 * .pi)
        // An object colour that stands out from the background's mean brightness.
        let bgLuma = Self.luma((background.colourA + background.colourB) / 2)
        var c = Self.randomColour(&rng)
        let target: Float = bgLuma > 0.5 ? rng.uniform(0.05, 0.3) : rng.uniform(0.7, 0.95)
        c = c * (target / max(Self.luma(c), 0.05))
        objectColour = c.clamped(lowerBound: .zero, upperBound: SIMD3(repeating: 1))
        markColour = target > 0.5 ? SIMD3(0.05, 0.05, 0.05) : SIMD3(0.95, 0.95, 0.95)
        period = rng.uniform(8, 14)
        amplitude = rng.uniform(6, 12)
        staticNoise = rng.uniform(0, 0.05)
        frameNoise = rng.uniform(0, 0.006)
        noiseSeed = rng.next()
        let W = Float(width), H = Float(height), f = Float(frames - 1)
        let step = speed * 1.1 // pixels a frame for translations
        func place(_ lo: Float, _ hi: Float) -> Float { lo < hi ? rng.uniform(lo, hi) : (lo + hi) / 2 }
        let r = radius
        switch motion {
        case .moveLeft:
            travel = SIMD2(-step * f, 0)
            start = SIMD2(place(r + step * f - r, W - r * 0.5), place(r, H - r))
        case .moveRight:
            travel = SIMD2(step * f, 0)
            start = SIMD2(place(r * 0.5, W - step * f), place(r, H - r))
        case .moveUp:
            travel = SIMD2(0, -step * f)
            start = SIMD2(place(r, W - r), place(step * f, H - r * 0.5))
        case .moveDown:
            travel = SIMD2(0, step * f)
            start = SIMD2(place(r, W - r), place(r * 0.5, H - step * f))
        case .orbit:
            travel = .zero
            start = SIMD2(place(W * 0.4, W * 0.6), place(H * 0.4, H * 0.6))
        case .bounce:
            travel = .zero
            start = SIMD2(place(r, W - r), place(H * 0.55, H - r))
        default:
            travel = .zero
            start = SIMD2(place(r * 1.5, W - r * 1.5), place(r * 1.5, H - r * 1.5))
        }
    }

    /// Object centre, rotation and scale at frame t.
    func pose(_ t: Int) -> (centre: SIMD2<Float>, angle: Float, scale: Float) {
        let ft = Float(t), f = Float(max(frames - 1, 1))
        let spin = speed * 0.1 // radians a frame
        switch motion {
        case .moveLeft, .moveRight, .moveUp, .moveDown:
            return (start + travel * (ft / f), angle0, 1)
        case .rotateClockwise:        // y points down, so a growing angle turns clockwise on screen
            return (start, angle0 + spin * ft, 1)
        case .rotateCounterclockwise:
            return (start, angle0 - spin * ft, 1)
        case .zoomIn:
            return (start, angle0, 0.45 * Foundation.pow(2.6, ft / f))
        case .zoomOut:
            return (start, angle0, 1.17 * Foundation.pow(2.6, -ft / f))
        case .bounce:
            let h = amplitude * 2.2 * abs(Foundation.sin(Float.pi * ft / period))
            return (SIMD2(start.x, start.y - h), angle0, 1)
        case .orbit:
            let a = angle0 + speed * 0.2 * ft
            let rad = amplitude * 1.6
            return (start + SIMD2(rad * Foundation.cos(a), rad * Foundation.sin(a)), 0, 1)
        case .shake:
            return (SIMD2(start.x + amplitude * Foundation.sin(2 * .pi * ft / (period * 0.7)), start.y), angle0, 1)
        case .pulse:
            return (start, angle0, 1 + 0.3 * Foundation.sin(2 * .pi * ft / period))
        }
    }

    // MARK: - Rendering

    /// All frames, RGB UInt8 [frames, height, width, 3].
    func render() -> [UInt8] {
        let w = width, h = height, n = w * h
        var bg = [SIMD3<Float>](repeating: .zero, count: n)
        var noise = RNG(seed: noiseSeed)
        for y in 0..<h {
            for x in 0..<w {
                let v = textureValue(Float(x) + 0.5, Float(y) + 0.5)
                let grain = staticNoise * (noise.uniform() * 2 - 1)
                bg[y * w + x] = background.colourA + (background.colourB - background.colourA) * v + SIMD3(repeating: grain)
            }
        }
        var out = [UInt8](repeating: 0, count: frames * n * 3)
        for t in 0..<frames {
            let (c, angle, scale) = pose(t)
            let cosA = Foundation.cos(angle), sinA = Foundation.sin(angle)
            let r = radius * scale
            let x0 = max(0, Int(c.x - r - 2)), x1 = min(w - 1, Int(c.x + r + 2))
            let y0 = max(0, Int(c.y - r - 2)), y1 = min(h - 1, Int(c.y + r + 2))
            for y in 0..<h {
                for x in 0..<w {
                    var p = bg[y * w + x]
                    if x >= x0 && x <= x1 && y >= y0 && y <= y1 {
                        // 2×2 supersampling of the object's coverage (and its marker).
                        var cover: Float = 0, mark: Float = 0
                        for sy in 0..<2 {
                            for sx in 0..<2 {
                                let dx = Float(x) + 0.25 + 0.5 * Float(sx) - c.x
                                let dy = Float(y) + 0.25 + 0.5 * Float(sy) - c.y
                                let u = (cosA * dx + sinA * dy) / r, v = (-sinA * dx + cosA * dy) / r
                                if Self.inside(shape, u, v) {
                                    cover += 0.25
                                    let mu = u - 0.5, mv = v
                                    if mu * mu + mv * mv < 0.05 { mark += 0.25 }
                                }
                            }
                        }
                        p = p + (objectColour - p) * cover
                        p = p + (markColour - p) * mark
                    }
                    if frameNoise > 0 { p = p + SIMD3(repeating: frameNoise * (noise.uniform() * 2 - 1)) }
                    let o = (t * n + y * w + x) * 3
                    out[o] = Self.byte(p.x); out[o + 1] = Self.byte(p.y); out[o + 2] = Self.byte(p.z)
                }
            }
        }
        return out
    }

    /// The background blend value (0: colour A, 1: colour B) at a pixel.
    private func textureValue(_ x: Float, _ y: Float) -> Float {
        let b = background
        let ca = Foundation.cos(b.angle), sa = Foundation.sin(b.angle)
        let u = ca * x + sa * y, v = -sa * x + ca * y
        let k = 2 * Float.pi / b.period
        func soft(_ s: Float) -> Float { 0.5 + 0.5 * max(-1, min(1, s * 3)) } // stripes with soft edges
        switch b.texture {
        case .hStripes: return soft(Foundation.sin(k * v + b.phase))
        case .vStripes: return soft(Foundation.sin(k * u + b.phase))
        case .checker: return soft(Foundation.sin(k * u + b.phase) * Foundation.sin(k * v))
        case .dots:
            let du = u.truncatingRemainder(dividingBy: b.period) - b.period / 2
            let dv = v.truncatingRemainder(dividingBy: b.period) - b.period / 2
            return (du * du + dv * dv).squareRoot() < b.period * 0.28 ? 1 : 0
        case .diagonal: return soft(Foundation.sin(k * (u + v) * 0.7071 + b.phase))
        case .radial:
            let d = SIMD2(x, y) - b.centre
            return min(1, (d * d).sum().squareRoot() / Float(max(width, height)))
        case .rings:
            let d = SIMD2(x, y) - b.centre
            return soft(Foundation.sin(k * (d * d).sum().squareRoot() + b.phase))
        case .blobs:
            var s: Float = 0
            for g in b.blobs {
                let dx = x - g.x, dy = y - g.y
                s += Foundation.exp(-(dx * dx + dy * dy) / (2 * g.z * g.z))
            }
            return min(1, s)
        case .gradient: return max(0, min(1, (u - Float(width) * 0.1) / (Float(width) * 0.9)))
        case .grid:
            let mu = abs(u.truncatingRemainder(dividingBy: b.period)), mv = abs(v.truncatingRemainder(dividingBy: b.period))
            return (mu < 1.5 || mv < 1.5) ? 1 : 0
        case .waves: return soft(Foundation.sin(k * v + 2.5 * Foundation.sin(k * 0.5 * u) + b.phase))
        case .diamonds: return soft(Foundation.sin(k * (u + v) * 0.7071) * Foundation.sin(k * (u - v) * 0.7071))
        }
    }

    /// Whether object-local (u, v) (unit radius) lies inside `shape`.
    static func inside(_ shape: Shape, _ u: Float, _ v: Float) -> Bool {
        let rho = (u * u + v * v).squareRoot()
        if rho > 1.0001 && shape != .square { return false }
        func polygon(_ n: Int) -> Bool {
            let sector = 2 * Float.pi / Float(n)
            var phi = Foundation.atan2(v, u)
            if phi < 0 { phi += 2 * .pi }
            let a = phi.truncatingRemainder(dividingBy: sector) - sector / 2
            return rho * Foundation.cos(a) <= Foundation.cos(Float.pi / Float(n))
        }
        switch shape {
        case .square: return max(abs(u), abs(v)) <= 0.78
        case .circle: return rho <= 1
        case .triangle: return polygon(3)
        case .diamond: return abs(u) + abs(v) <= 1
        case .cross: return (abs(u) <= 0.32 && abs(v) <= 1) || (abs(v) <= 0.32 && abs(u) <= 1)
        case .star:
            let phi = Foundation.atan2(v, u)
            return rho <= 0.45 + 0.55 * Foundation.pow(abs(Foundation.cos(2.5 * phi)), 2)
        case .hexagon: return polygon(6)
        case .ring: return rho >= 0.5
        case .pentagon: return polygon(5)
        case .bar: return abs(u) <= 1 && abs(v) <= 0.42
        case .semicircle: return v >= -0.15
        case .octagon: return polygon(8)
        }
    }

    static func randomColour(_ rng: inout RNG) -> SIMD3<Float> {
        // HSV with random hue, moderate saturation and value.
        let hue = rng.uniform(0, 6), s = rng.uniform(0.25, 0.85), v = rng.uniform(0.25, 0.95)
        let c = v * s, x = c * (1 - abs(hue.truncatingRemainder(dividingBy: 2) - 1)), m = v - c
        let rgb: SIMD3<Float>
        switch Int(hue) {
        case 0: rgb = SIMD3(c, x, 0)
        case 1: rgb = SIMD3(x, c, 0)
        case 2: rgb = SIMD3(0, c, x)
        case 3: rgb = SIMD3(0, x, c)
        case 4: rgb = SIMD3(x, 0, c)
        default: rgb = SIMD3(c, 0, x)
        }
        return rgb + SIMD3(repeating: m)
    }

    static func luma(_ c: SIMD3<Float>) -> Float { 0.299 * c.x + 0.587 * c.y + 0.114 * c.z }

    @inline(__always) static func byte(_ v: Float) -> UInt8 { UInt8(max(0, min(255, (v * 255).rounded()))) }
}
