/*
 * SplitMix64 (Steele, Lea and Flood, OOPSLA 2014; Vigna's reference constants): the one 64-bit
 * mixer and pseudo-random step in grist. dedup's MinHash rounds and shard's shuffle and val split
 * derive their values from it, so its outputs are part of those outputs' definitions: never
 * change the constants. Inline because MinHash calls it once per shingle and round.
 */
#ifndef GRIST_SPLITMIX_H
#define GRIST_SPLITMIX_H

#include <stdint.h>

#define SPLITMIX64_GAMMA 0x9e3779b97f4a7c15ull /* 2^64 / golden ratio, odd */

/* The output of a SplitMix64 generator whose state is x before the step: the generator's
 * sequence from state s is splitmix64(s), splitmix64(s + GAMMA), splitmix64(s + 2 GAMMA), ...
 * Also a good stateless 64-bit hash of x. */
static inline uint64_t splitmix64(uint64_t x)
{
	x += SPLITMIX64_GAMMA;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

#endif
