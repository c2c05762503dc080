// placeholder until the text stage lands
