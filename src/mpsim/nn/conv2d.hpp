// SPDX-License-Identifier: MIT
// Conv2d: PyTorch's nn.Conv2d with stride 1, square kernel, zero padding, NCHW, through the
// products model of the Pass (im2col + matmul: every output is one dot in a named order).
// Stride 1 only: the models downsample with MaxPool2d (as the Fashion-MNIST CNN benchmark does),
// and stride 1 keeps every input gradient a single dot over (o, i, j) (below).
//
//   x {B, C, H, W} --operand "NAME/input"--> xo        W {O, C, k, k} --operand "NAME/weight"--> wo
//   OH = H + 2p - k + 1, OW = W + 2p - k + 1; x[b][c][y][x] = 0 outside the image (padding)
//   forward   y[b][o][u][v] = round_act( dot_(c,i,j) ( wo[o][c][i][j], xo[b][c][u+i-p][v+j-p] ; c = bias[o] ) )
//   backward  go = operand "NAME/grad_output" of grad_y {B, O, OH, OW}
//     grad_W[o][c][i][j] = round_wgrad( dot_(b,u,v) ( xo[b][c][u+i-p][v+j-p], go[b][o][u][v] ; c = +0 ) )
//     grad_b[o]          = round_wgrad( sum_(b,u,v) grad_y[b][o][u][v] under `reductions`, from +0 )
//     grad_x[b][c][h][w] = round_grad( dot_(o,i,j) ( wo[o][c][i][j], go[b][o][h+p-i][w+p-j] ; c = +0 ) )
// dot_(s,t,..) runs over its indices in increasing row-major order; the first operand comes
// first (NaN payloads). Padding terms take part as +0 operands, as im2col does. grad_x is the
// full convolution of the zero-padded gradient with the flipped kernel, one dot per input
// element (no col2im partial sums added afterwards). The bias is rounded into the accumulator
// format first; scaled operands are handled as in linear.hpp (bias added in binary32 after
// the two factors).
// Counting: every cast and rounding into a policy format, and each product element (its dot's
// flags and events), except products of operands wider than 12 bits (binary32: not counted, so
// matmul keeps its fast kernel; layer_math.hpp). Layer::input_gradient() off skips grad_x.
#pragma once

#include <optional>
#include <vector>

#include "mpsim/nn/init.hpp"
#include "mpsim/nn/layer.hpp"

namespace mpsim::nn {

class Conv2d : public Layer {
 public:
  // Weight {out, in, k, k} and bias {out} in parameter_format (init.hpp, fan_in = in k k).
  Conv2d(std::string name, int in_channels, int out_channels, int kernel_size, int padding,
         const Format& parameter_format, const ParameterInit& init);

  std::string_view kind() const override { return "conv2d"; }
  // x {B, in, H, W} -> y {B, out, OH, OW} in precision.activations.
  Tensor forward(const Tensor& x, Pass& pass) override;
  // grad_y {B, out, OH, OW} -> grad_x {B, in, H, W} in precision.gradients; fills the grads.
  Tensor backward(const Tensor& grad_y, Pass& pass) override;
  std::vector<Parameter*> parameters() override { return {&weight_, &bias_}; }

  int in_channels() const { return in_; }
  int out_channels() const { return out_; }
  int kernel_size() const { return kernel_; }
  int padding() const { return padding_; }
  Parameter& weight() { return weight_; }
  Parameter& bias() { return bias_; }

 private:
  struct Saved {
    Shape input_shape;
    std::vector<float> patches;  // forward_patches of xo: (in k k) x (B OH OW)
    Format input_format;         // xo's format
    float input_scale_inverse;
    Operand weight;              // wo
  };
  // Buffers reused from call to call (their pages stay mapped): every element is written
  // before it is read in each call.
  struct Workspace {
    std::vector<float> patches, by_channel, by_position, w_by_input, gpatches;
  };
  int in_, out_, kernel_, padding_;
  Parameter weight_, bias_;
  std::optional<Saved> saved_;
  Workspace work_;
};

}  // namespace mpsim::nn
