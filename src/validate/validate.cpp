// placeholder until the validate stage lands
