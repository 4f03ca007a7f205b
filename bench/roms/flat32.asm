; 32-bit flat protected-mode CPU benchmark guest (see workload.inc), paging off: the loop compiled
; C code runs: a cdecl call of a memcpy that returns a checksum (arguments pushed, an EBP frame,
; callee-saved registers pushed and popped), stepping through 4 KiB buffers 32 bytes at a time; a
; register-argument leaf call; IMUL, shifts and rotates, MOVZX of bytes and words, ALU with memory
; sources and destinations, and a data-dependent branch. CS and DS have base 0 (EIP is linear).
; Every branch that depends on data runs the same number of instructions either way, so the count
; is exact by construction.
;
; Counting rule: every executed instruction counts once.
;
;   reset jump + real-mode setup + far jump ............................ 8
;   segments and stack ................................................. 5
;   source buffer: 3 + 1024 iterations of 5 ............................ 5123
;   loop state ......................................................... 3
;   loop: ITERATIONS iterations of 36 + copy_sum (12 + 8*8) + mix (6) .. 118*ITERATIONS
;   results: EBX, [ACC], [ACC+4], each 1 + PRINT_EAX 77 ................ 234
;   exit: mov al, 0 / out 0xF4, al ..................................... 2
;   TOTAL = 5375 + 118*ITERATIONS; with the default 800,000: 94,405,375 instructions.

%include "workload.inc"

%ifndef ITERATIONS
%define ITERATIONS 800000
%endif

SRC          equ 0x200000       ; 4 KiB source buffer
DST          equ 0x201000       ; 4 KiB destination buffer
ACC          equ 0x202000       ; two dword accumulators in memory
BUF_MASK     equ 0xFFF          ; chunk offsets wrap within the 4 KiB buffers
CHUNK_DWORDS equ 8              ; dwords copied per call
STACK        equ 0x90000

        FLAT32_ENTRY

        bits 32
pm:     mov ax, 0x10                            ; 1
        mov ds, ax                              ; 2
        mov es, ax                              ; 3
        mov ss, ax                              ; 4
        mov esp, STACK                          ; 5

        ; the source buffer: 1024 dwords of a linear congruential sequence
        mov edi, SRC
        mov eax, 12345
        mov ecx, 1024
.fill:  stosd
        imul eax, eax, 1103515245
        add eax, 12345
        dec ecx
        jnz .fill

        mov ebp, [ROM_LOW + ITERATIONS_AT]      ; the loop counter
        xor esi, esi                            ; the chunk's offset in the buffers
        xor ebx, ebx                            ; a running hash

.loop:  ; memcpy of one chunk, cdecl, returning the chunk's checksum in EAX
        lea eax, [esi + SRC]                    ; 1
        push eax                                ; 2
        lea eax, [esi + DST]                    ; 3
        push eax                                ; 4
        push CHUNK_DWORDS                       ; 5
        call copy_sum                           ; 6, copy_sum 12 + 8*CHUNK_DWORDS
        add esp, 12                             ; 7
        ; integer arithmetic on the result
        imul edx, eax, 0x9E3779B1               ; 8
        add ebx, edx                            ; 9
        mov ecx, edx                            ; 10
        shr ecx, 15                             ; 11
        xor ebx, ecx                            ; 12
        rol ebx, 5                              ; 13
        movzx ecx, byte [esi + DST + 3]         ; 14
        movzx edx, word [esi + DST + 6]         ; 15
        imul ecx, edx                           ; 16
        add [ACC], ecx                          ; 17
        sar ecx, 2                              ; 18
        sub ebx, [esi + SRC + 8]                ; 19
        shl eax, 3                              ; 20
        or [ACC + 4], eax                       ; 21
        xor eax, [ACC]                          ; 22
        ; a leaf call with register arguments
        mov edx, ecx                            ; 23
        call mix                                ; 24, mix 6
        ; a branch on data: 3 instructions from the JB either way
        cmp eax, ebx                            ; 25
        jb .below                               ; 26
        add ebx, eax                            ; 27
        jmp .join                               ; 28
.below: sub ebx, eax                            ; (27)
        not ebx                                 ; (28)
.join:  and dword [ACC + 4], 0x00FFFFFF         ; 29
        ; the next chunk
        add esi, CHUNK_DWORDS * 4               ; 30
        and esi, BUF_MASK                       ; 31
        push ebx                                ; 32
        pop edx                                 ; 33
        add [ACC], edx                          ; 34
        dec ebp                                 ; 35
        jnz .loop                               ; 36

        mov eax, ebx
        PRINT_EAX
        mov eax, [ACC]
        PRINT_EAX
        mov eax, [ACC + 4]
        PRINT_EAX

        EXIT

; copy_sum(count, dst, src): copies `count` dwords from src to dst and returns a rotating sum of
; them in EAX (cdecl: the caller pops the arguments; EBX, ESI, EDI and EBP are preserved).
copy_sum:
        push ebp
        mov ebp, esp
        push esi
        push edi
        mov ecx, [ebp + 8]
        mov edi, [ebp + 12]
        mov esi, [ebp + 16]
        xor eax, eax
.copy:  mov edx, [esi]
        mov [edi], edx
        add eax, edx
        rol eax, 1
        add esi, 4
        add edi, 4
        dec ecx
        jnz .copy
        pop edi
        pop esi
        pop ebp
        ret

; mix: EAX = a mix of EAX and EDX; clobbers EDX.
mix:
        push ecx
        lea ecx, [eax + edx*4 + 7]
        xor eax, ecx
        shr edx, 1
        pop ecx
        ret

        ROM_END ITERATIONS
