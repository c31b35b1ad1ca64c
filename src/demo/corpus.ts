/*
 * The corpus the demo tokenizer learns its BPE merges from: the words of the benchmark prompt set
 * (research/data/benchmark_prompts_v2.json, lower-cased and split with the CLIP regex) with their
 * counts, plus common prompt vocabulary (quality tags, negative-prompt words, colours, subjects) at
 * count 2. Frozen here so the demo models never depend on files outside the code.
 * Format: "word count" pairs separated by whitespace.
 */
const CORPUS = `
a 201 on 46 , 42 the 41 in 39 of 33 with 27 " 22 and 22 at 18 an 15 red 12 - 10 blue 8 cat 8 glass 8 green 8
white 8 yellow 8 street 7 wooden 7 black 6 city 6 dog 6 night 6 orange 6 to 6 two 6 above 5 light 5 mountain 5
old 5 small 5 snow 5 table 5 : 4 art 4 as 4 bicycle 4 bird 4 boat 4 car 4 colorful 4 field 4 floating 4
forest 4 illustration 4 k 4 lake 4 letters 4 low 4 painting 4 paper 4 pink 4 purple 4 quality 4 river 4 sign 4
sitting 4 sky 4 sunset 4 tall 4 under 4 woman 4 4 3 around 3 autumn 3 bear 3 between 3 bowl 3 brown 3 castle 3
child 3 clouds 3 coffee 3 crossing 3 crowd 3 desk 3 detailed 3 engine 3 fish 3 flower 3 girl 3 glowing 3
gold 3 golden 3 harbor 3 her 3 holding 3 horse 3 house 3 inside 3 its 3 lying 3 man 3 moon 3 neon 3 next 3
noon 3 rain 3 reading 3 road 3 robot 3 silver 3 sleeping 3 spring 3 storm 3 style 3 sunrise 3 through 3 top 3
train 3 tree 3 up 3 vintage 3 wall 3 wide 3 window 3 young 3 's 2 3 2 8 2 across 2 against 2 anatomy 2 angle 2
anime 2 artifacts 2 artstation 2 bad 2 beach 2 beautiful 2 behind 2 below 2 best 2 blurry 2 bokeh 2 bold 2
book 2 boy 2 bridge 2 broken 2 building 2 butterfly 2 by 2 capped 2 carrying 2 cinematic 2 clock 2 cold 2
concept 2 couple 2 covered 2 cropped 2 cup 2 dark 2 deer 2 deformed 2 depth 2 desert 2 digital 2 disfigured 2
distorted 2 dramatic 2 ducks 2 epic 2 ethereal 2 evening 2 extra 2 eyes 2 face 2 family 2 fantasy 2 fence 2
fi 2 film 2 fireplace 2 focus 2 fog 2 fox 2 friends 2 from 2 frozen 2 fruit 2 futuristic 2 ghibli 2 grain 2
grass 2 gray 2 half 2 hands 2 hdr 2 high 2 highly 2 intersection 2 intricate 2 it 2 jpeg 2 kitchen 2 kodak 2
ladder 2 large 2 leaning 2 left 2 lens 2 lighting 2 limbs 2 lion 2 macro 2 majestic 2 manga 2 maple 2 market 2
masterpiece 2 moody 2 morning 2 motion 2 muted 2 ocean 2 octane 2 one 2 open 2 over 2 owl 2 pastel 2 people 2
person 2 photo 2 photograph 2 photorealistic 2 pixel 2 plane 2 planet 2 plate 2 poor 2 portra 2 portrait 2
quiet 2 rabbit 2 rainbow 2 rainy 2 realistic 2 render 2 resolution 2 right 2 rock 2 rose 2 round 2 rubber 2
sci 2 sea 2 serene 2 sharp 2 ship 2 showing 2 signature 2 smile 2 sofa 2 soft 2 spaceship 2 square 2 stack 2
standing 2 star 2 station 2 striped 2 studio 2 stunning 2 summer 2 sun 2 sunlight 2 surreal 2 swimming 2
text 2 th 2 that 2 them 2 three 2 tiger 2 tower 2 trees 2 trending 2 ugly 2 uhd 2 umbrella 2 unreal 2 valley 2
vibrant 2 volumetric 2 warm 2 watermark 2 windowsill 2 winter 2 wolf 2 0 1 1 1 2 1 5 1 6 1 9 1 abandoned 1
after 1 age 1 air 1 alpine 1 antique 1 anvil 1 apple 1 apples 1 armchair 1 arms 1 arranged 1 arriving 1
asleep 1 assistant 1 astronaut 1 ave 1 awning 1 background 1 ball 1 balloons 1 banana 1 band 1 basket 1
bathtub 1 bed 1 bedroom 1 beekeeper 1 bees 1 beside 1 bicycles 1 big 1 birthday 1 bit 1 blacksmith 1 blanket 1
blueberries 1 blur 1 boiled 1 books 1 bookshelves 1 boot 1 boots 1 both 1 branch 1 brass 1 bread 1 breakfast 1
brick 1 bronze 1 burning 1 busy 1 cabin 1 cafe 1 cake 1 calm 1 candles 1 canyon 1 carton 1 carved 1 cats 1
ceiling 1 central 1 ceramic 1 chairs 1 chalkboard 1 chameleon 1 checkered 1 cheering 1 cheese 1 chef 1 chess 1
chewing 1 children 1 cliff 1 close 1 cloud 1 cloudy 1 coat 1 cobblestones 1 colored 1 colors 1 comic 1
concrete 1 condensation 1 corner 1 cover 1 cozy 1 cracked 1 crashing 1 crossed 1 crowded 1 crystal 1 cubist 1
curled 1 curly 1 curtains 1 cyberpunk 1 d 1 dawn 1 day 1 deep 1 dessert 1 dining 1 distance 1 diving 1
docking 1 dolphins 1 domes 1 door 1 down 1 dozens 1 dragon 1 dream 1 dripping 1 droplets 1 during 1 dusk 1
dusty 1 dutch 1 e 1 edge 1 egg 1 eggs 1 eight 1 elderly 1 elephants 1 empty 1 exactly 1 falling 1 fan 1 far 1
fingers 1 finish 1 fire 1 firefighter 1 fisherman 1 five 1 flat 1 floor 1 fluffy 1 flying 1 foggy 1 food 1
fork 1 fountain 1 four 1 frame 1 freckles 1 fresh 1 front 1 game 1 garden 1 geometric 1 giant 1 glaze 1
glossy 1 glow 1 graffiti 1 grandmother 1 grandson 1 greenhouse 1 grey 1 hair 1 hand 1 hanging 1 happy 1 head 1
hedgehog 1 helmet 1 herd 1 hiding 1 hiking 1 hill 1 hillside 1 his 1 honeycomb 1 hot 1 hour 1 hovering 1
hummingbird 1 iced 1 icing 1 impressionist 1 ivy 1 jacket 1 jagged 1 jar 1 jars 1 jazz 1 kite 1 km 1 knit 1
lab 1 lace 1 lamp 1 lamps 1 landscape 1 lanterns 1 laptop 1 late 1 lavender 1 layered 1 leaping 1 leather 1
leaves 1 lemonade 1 letting 1 library 1 license 1 lighthouse 1 lights 1 like 1 limited 1 line 1 linen 1
listing 1 looking 1 loose 1 lunar 1 made 1 mailbox 1 mane 1 marathon 1 marble 1 medieval 1 mending 1 menu 1
metal 1 microscope 1 middle 1 milk 1 mint 1 misty 1 monday 1 moonlight 1 moons 1 mossy 1 motorcycle 1
mountains 1 muddy 1 mug 1 napkin 1 natural 1 nearby 1 net 1 nori 1 northern 1 oak 1 octopus 1 oil 1 onions 1
oranges 1 out 1 outside 1 overgrown 1 painted 1 pair 1 pancakes 1 panes 1 parked 1 past 1 peace 1 peaks 1
pencil 1 pencils 1 pens 1 perched 1 performing 1 picket 1 picnic 1 pier 1 pine 1 plant 1 plants 1 platform 1
plating 1 pocket 1 pod 1 poly 1 pond 1 post 1 poster 1 potted 1 pouring 1 print 1 printed 1 protective 1
puddle 1 pumpkin 1 puppy 1 raincoat 1 raindrops 1 raised 1 ramen 1 rays 1 reads 1 reflecting 1 reflections 1
rendered 1 restaurant 1 retriever 1 rice 1 ring 1 rising 1 rocket 1 rocky 1 room 1 rosa 1 rough 1 row 1
rowboat 1 runner 1 rush 1 sailboat 1 samurai 1 says 1 scarf 1 schools 1 scientist 1 seascape 1 seen 1 seller 1
set 1 seven 1 shaped 1 shapes 1 sheet 1 shelf 1 shell 1 shelves 1 shining 1 shiny 1 ships 1 shop 1 shore 1
short 1 side 1 sides 1 single 1 six 1 sketch 1 skin 1 slowly 1 snowy 1 soup 1 space 1 spelling 1 spoon 1
spotted 1 st 1 stage 1 stained 1 stalls 1 stars 1 statue 1 steam 1 stone 1 stormy 1 study 1 submarine 1
subway 1 suit 1 summit 1 syrup 1 tabby 1 tablecloth 1 taxis 1 teaching 1 teacup 1 teapot 1 teddy 1 terraces 1
test 1 thin 1 time 1 tiny 1 title 1 titled 1 tomato 1 tortoise 1 towers 1 town 1 toy 1 traditional 1
trailhead 1 transparent 1 travel 1 trumpet 1 tube 1 turquoise 1 typewriter 1 ukiyo 1 umbrellas 1 underwater 1
van 1 vector 1 video 1 village 1 violinist 1 visit 1 waiting 1 walking 1 walls 1 washes 1 watch 1 watching 1
water 1 watercolor 1 waves 1 wearing 1 weathered 1 wet 1 while 1 windy 1 wings 1 wizard 1 woodblock 1 word 1
words 1 worn 1 wrapped 1 written 1
`;

/** [word, count] pairs in a fixed order. */
export function demoCorpus(): Array<[string, number]> {
  const parts = CORPUS.trim().split(/\s+/);
  const out: Array<[string, number]> = [];
  for (let i = 0; i + 1 < parts.length; i += 2) out.push([parts[i]!, Number(parts[i + 1])]);
  return out;
}

/** The raw corpus text (part of the generator fingerprint). */
export const DEMO_CORPUS_TEXT = CORPUS;
