// A small design for the Yosys program test: a counter, an ALU and a
// state machine under one top module.
module counter #(parameter W = 4) (
  input clk, input rst, input en,
  output reg [W-1:0] q,
  output wrap
);
  assign wrap = en && &q;
  always @(posedge clk)
    if (rst) q <= 0;
    else if (en) q <= q + 1'b1;
endmodule

module alu (
  input [7:0] a, input [7:0] b, input [2:0] op,
  output reg [7:0] y, output zero
);
  always @*
    case (op)
      3'd0: y = a + b;
      3'd1: y = a - b;
      3'd2: y = a & b;
      3'd3: y = a | b;
      3'd4: y = a ^ b;
      3'd5: y = a << b[2:0];
      3'd6: y = {7'd0, a < b};
      default: y = ~a;
    endcase
  assign zero = y == 8'd0;
endmodule

// Traffic light: green -> yellow -> red -> green, each held for a count.
module light (
  input clk, input rst, input tick,
  output reg [1:0] state
);
  localparam GREEN = 2'd0, YELLOW = 2'd1, RED = 2'd2;
  reg [2:0] hold;
  always @(posedge clk)
    if (rst) begin
      state <= GREEN;
      hold <= 3'd5;
    end else if (tick) begin
      if (hold != 0) hold <= hold - 1'b1;
      else case (state)
        GREEN:  begin state <= YELLOW; hold <= 3'd1; end
        YELLOW: begin state <= RED;    hold <= 3'd4; end
        default: begin state <= GREEN; hold <= 3'd5; end
      endcase
    end
endmodule

module top (
  input clk, input rst, input en,
  input [7:0] a, input [7:0] b, input [2:0] op,
  output [3:0] count, output [7:0] y, output zero, output [1:0] light_state
);
  wire wrap;
  counter #(.W(4)) c (.clk(clk), .rst(rst), .en(en), .q(count), .wrap(wrap));
  alu u (.a(a), .b(b), .op(op), .y(y), .zero(zero));
  light l (.clk(clk), .rst(rst), .tick(wrap), .state(light_state));
endmodule
